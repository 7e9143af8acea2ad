namespace Pipelines.Sinks;

/// <summary>
/// The target refused one row of a batch for a reason of its own, such as a constraint: thrown by
/// <see cref="ISink{T}.WriteAsync"/> with nothing of the batch written. The row goes to the dead-letter topic with the
/// target's message; the batch is written again without it.
/// </summary>
public sealed class SinkRowException : Exception
{
    /// <summary>Creates the exception for row <paramref name="row"/> of the batch.</summary>
    public SinkRowException(int row, string message, Exception? innerException = null)
        : base(message, innerException) => Row = row;

    /// <summary>The refused row's index in <see cref="SinkBatch{T}.Rows"/>.</summary>
    public int Row { get; }
}

/// <summary>
/// A partition's position at the target is not the one the batch starts from: another instance wrote rows of it since
/// this one read the position (a rebalance it has not heard of yet). Thrown by <see cref="ISink{T}.WriteAsync"/> with
/// nothing of the batch written; the runner drops its rows of those partitions and reads on from the stored positions.
/// </summary>
public sealed class SinkPositionConflictException : Exception
{
    /// <summary>Creates the exception for <paramref name="partitions"/>.</summary>
    public SinkPositionConflictException(IReadOnlyList<Confluent.Kafka.TopicPartition> partitions, string message)
        : base(message) => Partitions = partitions;

    /// <summary>The partitions whose positions differ.</summary>
    public IReadOnlyList<Confluent.Kafka.TopicPartition> Partitions { get; }
}
