using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// At-least-once bookkeeping: an input offset may be committed only when it and every earlier offset of its
/// partition are finished (handled, and their outputs acknowledged by the broker). Acknowledgements arrive on
/// the producer's thread and out of order across output partitions; <see cref="Completion.Complete"/> may be
/// called from any thread, everything else from the processing loop only.
/// </summary>
internal sealed class OffsetTracker
{
    private readonly Dictionary<TopicPartition, Queue<Completion>> pending = new();
    private Exception? failure;

    /// <summary>The first failure any completion reported; the loop stops on it.</summary>
    public Exception? Failure => Volatile.Read(ref failure);

    /// <summary>Whether nothing begun is still unfinished.</summary>
    public bool IsIdle => pending.Values.All(queue => queue.Count == 0);

    /// <summary>Registers a message as begun, in consumption order.</summary>
    public Completion Begin(TopicPartitionOffset source)
    {
        if (!pending.TryGetValue(source.TopicPartition, out var queue))
        {
            pending[source.TopicPartition] = queue = new Queue<Completion>();
        }

        var completion = new Completion(this, source.Offset);
        queue.Enqueue(completion);
        return completion;
    }

    /// <summary>The offsets to store: for each partition, one past its last message finished without a gap before it.</summary>
    public List<TopicPartitionOffset> TakeCommittable()
    {
        var committable = new List<TopicPartitionOffset>();
        foreach (var (partition, queue) in pending)
        {
            Offset? next = null;
            while (queue.TryPeek(out var head) && head.IsDone)
            {
                next = head.Offset + 1;
                queue.Dequeue();
            }

            if (next is { } offset)
            {
                committable.Add(new TopicPartitionOffset(partition, offset));
            }
        }

        return committable;
    }

    /// <summary>Forgets partitions this instance no longer owns.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            pending.Remove(partition);
        }
    }

    private void Fail(Exception exception) => Interlocked.CompareExchange(ref failure, exception, null);

    /// <summary>One message's progress.</summary>
    internal sealed class Completion(OffsetTracker tracker, Offset offset)
    {
        private int done;

        public Offset Offset { get; } = offset;

        public bool IsDone => Volatile.Read(ref done) == 1;

        public void Complete() => Volatile.Write(ref done, 1);

        public void Fail(Exception exception) => tracker.Fail(exception);
    }
}
