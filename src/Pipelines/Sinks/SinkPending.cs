using Confluent.Kafka;

namespace Pipelines.Sinks;

/// <summary>
/// What a sink runner has read and not yet written: the rows, the message each came from (for a dead letter), and for
/// each partition the next offset to read once they are written. A message without rows (dead-lettered, an event)
/// moves its partition's position all the same.
/// </summary>
internal sealed class SinkPending<T>
{
    private readonly List<T> rows = [];
    private readonly List<(int Message, int Index)> sources = [];
    private readonly List<(ConsumeResult<byte[]?, byte[]?> Result, int Rows)> messages = [];
    private readonly Dictionary<TopicPartition, long> next = [];
    private long started;

    public IReadOnlyList<T> Rows => rows;

    /// <summary>Whether any partition's position would move: rows, or messages without any.</summary>
    public bool HasAny => next.Count > 0;

    public void Add(TopicPartitionOffset position, ConsumeResult<byte[]?, byte[]?> result, List<T> read)
    {
        Start();
        messages.Add((result, read.Count));
        for (var i = 0; i < read.Count; i++)
        {
            rows.Add(read[i]);
            sources.Add((messages.Count - 1, i));
        }

        next[position.TopicPartition] = position.Offset.Value + 1;
    }

    /// <summary>A message that adds no row but is done with (dead-lettered, or not rows).</summary>
    public void Skip(TopicPartitionOffset position)
    {
        Start();
        next[position.TopicPartition] = position.Offset.Value + 1;
    }

    /// <summary>Whether the batch should be written now: full, or its first message waited long enough.</summary>
    public bool IsDue(int maxRows, TimeSpan maxWait) =>
        HasAny && (rows.Count >= maxRows || System.Diagnostics.Stopwatch.GetElapsedTime(started) >= maxWait);

    /// <summary>The batch to write: the rows, and each partition's position from <paramref name="stored"/> to where it was read.</summary>
    public SinkBatch<T> Batch(IReadOnlyDictionary<TopicPartition, long?> stored, string? topicIdentity) =>
        new(rows, next.Select(p => new SinkPosition(p.Key.Topic, p.Key.Partition.Value, stored.TryGetValue(p.Key, out var from) ? from : null, p.Value)).ToList(), topicIdentity);

    /// <summary>The message row <paramref name="row"/> came from, its index among that message's rows, and how many it had.</summary>
    public (ConsumeResult<byte[]?, byte[]?> Source, int Index, int Count) SourceOf(int row)
    {
        var (message, index) = sources[row];
        return (messages[message].Result, index, messages[message].Rows);
    }

    /// <summary>Takes row <paramref name="row"/> out of the batch (it was dead-lettered); its partition's position stays.</summary>
    public void Remove(int row)
    {
        rows.RemoveAt(row);
        sources.RemoveAt(row);
    }

    /// <summary>Forgets what was read of <paramref name="partitions"/>: another instance writes them now.</summary>
    public void Drop(IReadOnlyCollection<TopicPartition> partitions)
    {
        var dropped = partitions.ToHashSet();
        for (var i = rows.Count - 1; i >= 0; i--)
        {
            if (dropped.Contains(messages[sources[i].Message].Result.TopicPartition))
            {
                rows.RemoveAt(i);
                sources.RemoveAt(i);
            }
        }

        foreach (var partition in dropped)
        {
            next.Remove(partition);
        }

        if (next.Count == 0)
        {
            Clear();
        }
    }

    public void Clear()
    {
        rows.Clear();
        sources.Clear();
        messages.Clear();
        next.Clear();
    }

    private void Start()
    {
        if (next.Count == 0)
        {
            started = System.Diagnostics.Stopwatch.GetTimestamp();
        }
    }
}
