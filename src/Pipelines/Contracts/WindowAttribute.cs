namespace Pipelines;

/// <summary>
/// Makes a <see cref="ProcessorAttribute">processor</see> aggregate its rows in windows of data time, per stream key:
/// instead of <c>Handle</c> it declares <c>TAcc Aggregate(TAcc accumulator, TIn row)</c> and
/// <c>TOut? Emit(WindowInfo window, TAcc accumulator)</c>, or only <c>Emit(WindowInfo window, WindowStats stats)</c>
/// with <see cref="Of"/> naming the method that picks the value to summarise, or only
/// <c>Emit(WindowInfo window, IReadOnlyList&lt;TIn&gt; rows)</c>, which gets the window's rows themselves. Set exactly one of <see cref="Tumbling"/>,
/// <see cref="Hopping"/> (with <see cref="Hop"/>), <see cref="Session"/> and <see cref="Sliding"/>. Times are time spans such as
/// <c>"00:00:10"</c>. The input contract needs a <see cref="TimestampAttribute">timestamp</see>: it places each row.
/// </summary>
/// <remarks>
/// Open windows live in the processor's durable state (a local store and a changelog topic), so they survive restarts
/// and move with their partition. Each key's time is its own: a window closes when a later row of the same key
/// moves the key's time past the window's end plus <see cref="Grace"/>, or, with <see cref="CloseAfterIdle"/>, when
/// the key has been quiet that long on the wall clock. A row whose windows have all closed is late: it is rejected
/// under the processor's failure policy (a dead letter by default) with a <see cref="LateRowException"/>.
/// Mistakes in these settings or in the methods' shapes are compile-time errors (PIPE021).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WindowAttribute : Attribute
{
    /// <summary>Windows of this size, back to back from the Unix epoch: each row is in exactly one. Positive.</summary>
    public string? Tumbling { get; init; }

    /// <summary>Windows of this size, one starting every <see cref="Hop"/> from the Unix epoch: each row is in size ÷ hop of them. Positive.</summary>
    public string? Hopping { get; init; }

    /// <summary>How far apart hopping windows start: positive, at most the size, and dividing it evenly.</summary>
    public string? Hop { get; init; }

    /// <summary>
    /// Session windows with this gap: rows of a key at most this far apart in data time share a window, which spans
    /// from its first row to its last; a row that bridges two sessions merges them (the processor declares
    /// <c>TAcc Merge(TAcc left, TAcc right)</c> unless it uses <see cref="WindowStats"/>). Positive.
    /// </summary>
    public string? Session { get; init; }

    /// <summary>
    /// Sliding windows of this size: each row writes the window that ends at it, over the key's rows in the size before
    /// it, as it arrives (so <see cref="Emit"/> is <see cref="WindowEmit.OnUpdate"/>, the only choice). The processor
    /// declares <c>TAcc Merge(TAcc left, TAcc right)</c> unless it uses <see cref="WindowStats"/>. Each row merges the
    /// accumulators of the window's timestamps, so the cost per row grows with the rows a window holds. A row that
    /// arrives out of order (within <see cref="Grace"/>) counts in its own window and later ones, not in windows already
    /// written. Positive.
    /// </summary>
    public string? Sliding { get; init; }

    /// <summary>How long after its end (data time) a window still takes late rows; zero (the default) or positive.</summary>
    public string? Grace { get; init; }

    /// <summary>When a window's result is written: once when it closes (the default), or after every row it takes (the only choice for sliding windows).</summary>
    public WindowEmit Emit { get; init; }

    /// <summary>
    /// Close a key's windows when no row of that key has arrived for this long on the wall clock, even though its
    /// data time has not moved past them: for streams that stop rather than end. Positive; off unless set. Rows that
    /// arrive later for those windows are late.
    /// </summary>
    public string? CloseAfterIdle { get; init; }

    /// <summary>
    /// With an <c>Emit(WindowInfo, WindowStats)</c> method: the name of a method of the processor,
    /// <c>double Method(TIn row)</c> (<c>nameof(Method)</c>), that picks the value whose count, sum, mean, minimum,
    /// maximum, first and last the windows keep.
    /// </summary>
    public string? Of { get; init; }
}
