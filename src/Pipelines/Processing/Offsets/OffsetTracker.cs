using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// At-least-once bookkeeping for the topics a processor reads: an input offset may be committed only when it and
/// every earlier offset of its partition are finished (see <see cref="Work"/>). Acknowledgements arrive on the
/// producer's thread and out of order across output partitions; everything here but <see cref="Stop"/> is called from
/// the processing loop only.
/// </summary>
/// <param name="topics">Every topic read, by input number (<see cref="ProcessorOptions.Inputs"/>).</param>
/// <param name="processorTag">The processor's metric tag.</param>
internal sealed class OffsetTracker(IReadOnlyList<string> topics, KeyValuePair<string, object?> processorTag)
{
    private readonly Dictionary<(int Input, int Partition), Pending> pending = [];
    private readonly Stack<Work> free = new();
    private readonly StopLatch stops = new(processorTag);

    /// <summary>Why the loop must stop: the first reason any work reported, or <see langword="null"/>.</summary>
    public Exception? StopReason => stops.Reason;

    /// <summary>A work for the next handler call, reused once all its messages were taken out.</summary>
    public Work Rent()
    {
        var work = free.TryPop(out var reused) ? reused : new Work(stops);
        work.Start();
        return work;
    }

    /// <summary>
    /// A work the tracker does not follow (a handler call over buffered rows, a written flush): done, it releases
    /// its share of each of <paramref name="held"/>, which must already hold one for it.
    /// </summary>
    public Work Chain(List<Work> held) => Work.Chained(stops, held);

    /// <summary>Registers a message of <paramref name="input"/> as covered by <paramref name="work"/>; per partition in offset order.</summary>
    public void Begin(int partition, long offset, Work work, int input = 0)
    {
        if (!pending.TryGetValue((input, partition), out var queue))
        {
            pending[(input, partition)] = queue = new Pending { Resume = offset };
        }

        // Committing the last finished entry + 1 is only right if entries are in offset order; out of order it
        // could skip an unfinished message, and that message would be lost after a restart.
        if (queue.Count > 0 && offset <= queue.Last)
        {
            throw new InvalidOperationException($"Offset {offset} of partition {partition} was begun after offset {queue.Last}; messages must be begun in offset order.");
        }

        queue.Last = offset;
        queue.Enqueue(new Entry(offset, work));
        work.Entries++;
    }

    /// <summary>
    /// Adds the offsets to store to <paramref name="committable"/>: per partition, one past its last message
    /// finished without a gap before it. Returns how many messages that covers.
    /// </summary>
    public int TakeCommittable(List<TopicPartitionOffset> committable)
    {
        var taken = 0;
        foreach (var ((input, partition), queue) in pending)
        {
            long? next = null;
            while (queue.TryPeek(out var head) && head.Work.IsDone)
            {
                next = head.Offset + 1;
                queue.Dequeue();
                taken++;
                if (--head.Work.Entries == 0)
                {
                    free.Push(head.Work);
                }
            }

            if (next is { } offset)
            {
                queue.Resume = offset;
                committable.Add(new TopicPartitionOffset(topics[input], partition, offset));
            }
        }

        return taken;
    }

    /// <summary>Forgets partitions this instance no longer owns; their works are left to the collector, since deliveries may still be in flight.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            for (var input = 0; input < topics.Count; input++)
            {
                if (topics[input] == partition.Topic)
                {
                    pending.Remove((input, partition.Partition.Value));
                }
            }
        }
    }

    /// <summary>The first failure a work reported since the last call (<see cref="Work.Replay"/>), or <see langword="null"/>.</summary>
    public Exception? TakeReplay() => stops.TakeReplay();

    /// <summary>Whether a work failed since the last <see cref="TakeReplay"/>: its state must not be checkpointed.</summary>
    public bool HasReplay => stops.HasReplay;

    /// <summary>The partition numbers holding a failed work; partitions forgotten meanwhile are not among them.</summary>
    public List<int> TakeReplayPartitions() =>
        pending.Where(p => p.Value.Any(entry => entry.Work.MustReplay)).Select(p => p.Key.Partition).Distinct().Order().ToList();

    /// <summary>
    /// Where each input's partition of <paramref name="numbers"/> is read again from: just after its last message taken
    /// as committable (with keyed state, as of the last checkpoint), else the first message begun. A partition nothing
    /// was begun of has not moved.
    /// </summary>
    public List<TopicPartitionOffset> ResumeOffsets(IReadOnlyCollection<int> numbers) =>
        pending.Where(p => numbers.Contains(p.Key.Partition)).Select(p => new TopicPartitionOffset(topics[p.Key.Input], p.Key.Partition, p.Value.Resume)).ToList();

    /// <summary>Records the failure that stops the loop; the first one wins. Any thread.</summary>
    public void Stop(Exception exception) => stops.Record(exception);

    private readonly record struct Entry(long Offset, Work Work);

    /// <summary>A partition's unfinished messages, the last offset begun, and the offset it would be read again from.</summary>
    private sealed class Pending : Queue<Entry>
    {
        public long Last { get; set; }

        public long Resume { get; set; }
    }
}
