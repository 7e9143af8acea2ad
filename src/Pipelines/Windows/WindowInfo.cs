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

    /// <inheritdoc/>
    public override string ToString() => $"'{Key}' [{Start:O}, {End:O}]";
}
