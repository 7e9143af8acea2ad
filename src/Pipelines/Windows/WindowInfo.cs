namespace Pipelines;

/// <summary>
/// Which window a result is for: its stream key and its span of data time, in nanoseconds since the Unix epoch like
/// the wire's timestamps. A tumbling or hopping window spans <see cref="StartTimestamp"/> (included) to
/// <see cref="EndTimestamp"/> (excluded); a session window spans its first row to its last, both included; a sliding
/// window ends at its row (included) and starts its size before (excluded).
/// </summary>
/// <param name="Key">The stream key (the rows' tags).</param>
/// <param name="StartTimestamp">Where the window starts.</param>
/// <param name="EndTimestamp">Where it ends.</param>
public readonly record struct WindowInfo(string Key, long StartTimestamp, long EndTimestamp)
{
    /// <summary><see cref="StartTimestamp"/> as UTC time, to 100 ns.</summary>
    public DateTime Start => UnixNanoseconds.ToDateTime(StartTimestamp);

    /// <summary><see cref="EndTimestamp"/> as UTC time, to 100 ns.</summary>
    public DateTime End => UnixNanoseconds.ToDateTime(EndTimestamp);

    /// <summary>
    /// Which kind of window this is, so <see cref="ToString"/> shows the bounds it has; not part of equality (a window is
    /// its key and span).
    /// </summary>
    internal Infrastructure.WindowKind Kind { get; init; }

    /// <summary>The key and span, with the bounds the window has: <c>[start, end)</c>, <c>[start, end]</c> (a session) or <c>(start, end]</c> (sliding).</summary>
    public override string ToString() => Kind switch
    {
        Infrastructure.WindowKind.Session => $"'{Key}' [{Start:O}, {End:O}]",
        Infrastructure.WindowKind.Sliding => $"'{Key}' ({Start:O}, {End:O}]",
        _ => $"'{Key}' [{Start:O}, {End:O})",
    };

    /// <inheritdoc/>
    public bool Equals(WindowInfo other) => Key == other.Key && StartTimestamp == other.StartTimestamp && EndTimestamp == other.EndTimestamp;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, StartTimestamp, EndTimestamp);
}
