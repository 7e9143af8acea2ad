using System.Diagnostics;

namespace Pipelines.Processing;

/// <summary>The flush rules of <see cref="BufferOptions"/>, applied to one stream's chunk.</summary>
internal static class BufferRules
{
    private const long NanosecondsPerTick = 100;

    /// <summary>Whether a row must start a new chunk: it would push the chunk past MaxBytes or outside DataSpan.</summary>
    public static bool Overflows<T>(BufferOptions options, RowChunk<T> chunk, int bytes, long? timestamp) =>
        chunk.Count > 0
        && ((options.MaxBytes is { } maxBytes && chunk.Bytes + bytes > maxBytes)
            || (options.DataSpan is { } span && timestamp is { } time && chunk.FirstTimestamp is { } first
                && Math.Abs(time - first) >= span.Ticks * NanosecondsPerTick));

    /// <summary>Whether the chunk holds MaxRows rows.</summary>
    public static bool IsFull<T>(BufferOptions options, RowChunk<T> chunk) =>
        options.MaxRows is { } maxRows && chunk.Count >= maxRows;

    /// <summary>Whether no row has entered the chunk for Timeout.</summary>
    public static bool IsIdle<T>(BufferOptions options, RowChunk<T> chunk, long now) =>
        chunk.Count > 0 && options.Timeout is { } timeout && Stopwatch.GetElapsedTime(chunk.LastAdded, now) >= timeout;

    /// <summary>Whether rows flush as soon as they enter: no rule holds them.</summary>
    public static bool FlushesAtOnce(BufferOptions options, bool hasFlushHook) =>
        !options.HasSizeRule && options.Timeout is null && !hasFlushHook;
}
