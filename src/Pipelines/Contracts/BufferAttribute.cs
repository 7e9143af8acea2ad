namespace Pipelines;

/// <summary>
/// Buffers rows so that they are handled or written many at a time. On a <see cref="ProcessorAttribute">processor</see>
/// it buffers the input: the handler is called with a flushed buffer (a batch handler gets the whole buffer, in
/// order, of one stream; a row handler gets its rows one by one). On a <see cref="TopicAttribute">topic</see>
/// contract it packs the rows processors write to that topic many per Kafka message (the packed-rows layout of
/// docs/wire-format.md). A buffer flushes when any rule it sets fires; every rule is off unless set.
/// </summary>
/// <remarks>
/// These are compiled defaults: <c>Pipelines:Processors:&lt;Name&gt;:InputBuffer</c> and <c>:OutputBuffer</c>
/// override them without recompiling. Out-of-range values are compile-time errors (PIPE008). Input offsets are
/// committed only once the rows they carried were handled and what was written from them was delivered.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BufferAttribute : Attribute
{
    /// <summary>Flush when a stream's buffer holds this many rows; 1 or more.</summary>
    public int MaxRows { get; init; }

    /// <summary>
    /// Flush before a stream's buffer would exceed this many bytes; 1 or more. Input rows count the bytes of the
    /// messages they came in; output rows their serialized size, and a written message never exceeds it.
    /// </summary>
    public int MaxBytes { get; init; }

    /// <summary>
    /// The span of <em>data</em> time one buffer covers, as a positive time span such as <c>"00:00:01"</c>: a row whose
    /// <see cref="TimestampAttribute">timestamp</see> is this far or further from the buffer's first row flushes
    /// the buffer and starts the next one. The contract needs a timestamp.
    /// </summary>
    public string? DataSpan { get; init; }

    /// <summary>
    /// Flush a stream's buffer when no row has arrived for this long (wall-clock); positive, such as <c>"00:00:00.500"</c>.
    /// A steady stream never goes quiet, so it needs a size rule as well (<see cref="MaxRows"/>,
    /// <see cref="MaxBytes"/>, <see cref="DataSpan"/> or <see cref="FlushWhen"/>).
    /// </summary>
    public string? Timeout { get; init; }

    /// <summary>
    /// Input only: hold each row this long (wall-clock; positive) and release rows in timestamp order, for sources that
    /// deliver slightly out of order. A row that arrives after later rows were released is handled at once.
    /// The contract needs a timestamp.
    /// </summary>
    public string? Reorder { get; init; }

    /// <summary>
    /// Input only: the name of a method of the processor, <c>bool Method(TIn row)</c>, that decides whether a row
    /// enters the buffer. Rows it rejects are not handled and count as done.
    /// </summary>
    public string? Filter { get; init; }

    /// <summary>
    /// Input only: the name of a method of the processor, <c>bool Method(IReadOnlyList&lt;TIn&gt; rows)</c>, called
    /// after each row enters a stream's buffer with the rows buffered so far (the newest last); <see langword="true"/>
    /// flushes them.
    /// </summary>
    public string? FlushWhen { get; init; }
}
