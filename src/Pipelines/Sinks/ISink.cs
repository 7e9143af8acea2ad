using Confluent.Kafka;

namespace Pipelines.Sinks;

/// <summary>
/// Where a topic's rows end when not in another topic: a database table, files, anyone's API. A <see cref="SinkRunner{T}"/>
/// reads the topic, hands the sink a batch of rows with the input positions they came from, and reads on only once the
/// sink says the batch is written. A sink that stores each partition's position in the same transaction as its rows,
/// and gives them back when partitions are assigned, writes every row exactly once, crashes included; one that does not
/// (an empty <see cref="ReadPositionsAsync"/>) writes every row at least once.
/// </summary>
/// <typeparam name="T">The rows' contract.</typeparam>
public interface ISink<T>
    where T : IMessageContract<T>
{
    /// <summary>
    /// The positions the target stored with its rows for <paramref name="partitions"/>: the next offset to read in each.
    /// A partition the target holds nothing of is left out (it is read from the group's committed offset, else from its
    /// start), and so is one whose position was stored for another <paramref name="topicIdentity"/> (another cluster, or
    /// a topic of the same name deleted since: its offsets mean nothing here). Called when partitions are assigned,
    /// before any of their rows is read.
    /// </summary>
    /// <param name="partitions">The partitions assigned.</param>
    /// <param name="topicIdentity">Which topic the offsets are of: its cluster and topic id (<see langword="null"/> when the cluster does not say), as <see cref="SinkBatch{T}.TopicIdentity"/> stores it.</param>
    /// <param name="cancellationToken">Cancelled when the sink stops.</param>
    Task<IReadOnlyDictionary<TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="batch"/>: its rows and, where the target can, its <see cref="SinkBatch{T}.Positions"/> in the
    /// same transaction, all or nothing. Returns once the batch is durable. Any exception but those below is taken for the
    /// target being unavailable: the same batch is written again after a pause, as often as it takes.
    /// </summary>
    /// <exception cref="SinkRowException">The target refused one row for a reason of its own (a constraint): that row goes to the dead-letter topic, the rest are written again without it.</exception>
    /// <exception cref="SinkPositionConflictException">A partition's stored position is not the batch's <see cref="SinkPosition.From"/>: another instance wrote it since.</exception>
    Task WriteAsync(SinkBatch<T> batch, CancellationToken cancellationToken);
}
