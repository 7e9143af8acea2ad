using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>An input message whose rows wait in buffers: what a dead letter of some of them needs.</summary>
internal sealed class InputMessage(int partition, long offset, byte[]? key, byte[]? raw, int rawIndex, Headers? headers, Timestamp timestamp, int rowCount, Work work, StreamInfo stream)
{
    public int Partition { get; } = partition;

    public long Offset { get; } = offset;

    public byte[]? Key { get; } = key;

    /// <summary>The value as consumed, dead-lettered as is when all its rows fail together; a copy, when its rows may outlive the fetch round.</summary>
    public byte[]? Raw { get; } = raw;

    /// <summary>
    /// Where the value is kept in the fetch round's raw buffer when <see cref="Raw"/> is not copied (its rows are
    /// handled within the round), else -1.
    /// </summary>
    public int RawIndex { get; } = rawIndex;

    public Headers? Headers { get; } = headers;

    public Timestamp Timestamp { get; } = timestamp;

    /// <summary>How many rows the message carried.</summary>
    public int RowCount { get; } = rowCount;

    /// <summary>The message's own work: done once every chunk holding its rows is.</summary>
    public Work Work { get; } = work;

    /// <summary>The stream it belongs to.</summary>
    public StreamInfo Stream { get; } = stream;
}
