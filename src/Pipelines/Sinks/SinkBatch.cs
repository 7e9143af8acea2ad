namespace Pipelines.Sinks;

/// <summary>
/// Rows for a sink to write, in the order they were read, and for each partition they came from the position the
/// target holds now (<see cref="SinkPosition.From"/>) and the one it holds once the batch is written (<see cref="SinkPosition.To"/>).
/// A partition whose messages in the batch held no row (dead letters, events) is among the positions too.
/// </summary>
/// <typeparam name="T">The rows' contract.</typeparam>
public sealed class SinkBatch<T>
{
    internal SinkBatch(IReadOnlyList<T> rows, IReadOnlyList<SinkPosition> positions, string? topicIdentity = null)
    {
        Rows = rows;
        Positions = positions;
        TopicIdentity = topicIdentity;
    }

    /// <summary>The rows, in the order they were read (each partition's in offset order).</summary>
    public IReadOnlyList<T> Rows { get; }

    /// <summary>Where each partition stands before and after the batch.</summary>
    public IReadOnlyList<SinkPosition> Positions { get; }

    /// <summary>
    /// Which topic the positions' offsets are of (its cluster and topic id; <see langword="null"/> when the cluster does
    /// not say): stored with them, so that positions of another topic of the same name are not taken for its.
    /// </summary>
    public string? TopicIdentity { get; }
}

/// <summary>A partition's position in a <see cref="SinkBatch{T}"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="From">The next offset the target holds for it before the batch; <see langword="null"/> when it holds none yet.</param>
/// <param name="To">The next offset to read once the batch is written: what the target stores.</param>
public readonly record struct SinkPosition(string Topic, int Partition, long? From, long To);
