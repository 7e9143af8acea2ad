namespace Pipelines;

/// <summary>One stream as a processor sees it: its key, where it lives and what its producer said about it.</summary>
public sealed class StreamInfo
{
    internal StreamInfo(string key, int partition, long openedAt)
    {
        Key = key;
        Partition = partition;
        OpenedAt = openedAt;
    }

    /// <summary>The stream key (the Kafka key: its rows' tags).</summary>
    public string Key { get; }

    /// <summary>The partition it is read from.</summary>
    public int Partition { get; }

    /// <summary>The latest properties its producer sent, or <see cref="StreamProperties.None"/>.</summary>
    public StreamProperties Properties { get; internal set; } = StreamProperties.None;

    /// <summary>When this processor saw its first message (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    internal long OpenedAt { get; }

    /// <summary>When this processor saw its latest message (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    internal long LastSeen { get; set; }
}
