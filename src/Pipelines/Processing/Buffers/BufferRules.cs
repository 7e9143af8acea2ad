namespace Pipelines.Processing;

/// <summary>The flush rules of <see cref="BufferOptions"/>, applied to the rows one stream's buffer holds.</summary>
internal static class BufferRules
{
    private const long NanosecondsPerTick = 100;

    /// <summary>Whether the buffered rows must flush before a row enters: it would push them past MaxBytes or outside DataSpan.</summary>
    public static bool Overflows<T>(BufferOptions options, BufferedRows<T> flush, int bytes, long? timestamp) =>
        flush.Count > 0
        && ((options.MaxBytes is { } maxBytes && flush.Bytes + bytes > maxBytes)
            || (options.DataSpan is { } span && timestamp is { } time && flush.FirstTimestamp is { } first
                && Math.Abs(time - first) >= span.Ticks * NanosecondsPerTick));

    /// <summary>Whether the buffer holds MaxRows rows.</summary>
    public static bool IsFull<T>(BufferOptions options, BufferedRows<T> flush) =>
        options.MaxRows is { } maxRows && flush.Count >= maxRows;

    /// <summary>Whether no row has entered the buffer for Timeout, on <paramref name="time"/>.</summary>
    public static bool IsIdle<T>(BufferOptions options, BufferedRows<T> flush, long now, TimeProvider time) =>
        flush.Count > 0 && options.Timeout is { } timeout && time.GetElapsedTime(flush.LastAdded, now) >= timeout;

    /// <summary>Whether rows flush as soon as they enter: no rule holds them.</summary>
    public static bool FlushesAtOnce(BufferOptions options, bool hasFlushHook) =>
        !options.HasSizeRule && options.Timeout is null && !hasFlushHook;
}
