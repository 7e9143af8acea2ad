using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Where the row being handled came from. One instance per processor is refilled for every message, so a
/// handler must not keep it after it returns.
/// </summary>
public sealed class StreamContext
{
    /// <summary>The stream key (the Kafka key: the rows' tags), or empty.</summary>
    public ReadOnlyMemory<byte> Key { get; private set; }

    /// <summary>The Kafka message timestamp.</summary>
    public Timestamp Timestamp { get; private set; }

    /// <summary>The message headers.</summary>
    public Headers? Headers { get; private set; }

    /// <summary>The message's topic, partition and offset.</summary>
    public TopicPartitionOffset Source { get; private set; } = null!;

    internal void Fill(byte[]? key, Timestamp timestamp, Headers? headers, TopicPartitionOffset source)
    {
        Key = key;
        Timestamp = timestamp;
        Headers = headers;
        Source = source;
    }
}
