using Confluent.Kafka;

namespace Pipelines.Http;

/// <summary>
/// What a client that starts in the past reads before the live feed: each partition from where it starts up to where
/// the feed stood when the client subscribed, by a consumer of its own that lives only as long as that read.
/// </summary>
internal static class CatchUp
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Where each partition starts for <paramref name="from"/> (<c>earliest</c>, or an ISO-8601 time) and the earliest
    /// message time wanted, or <see langword="null"/> when it is neither. For a time, the broker's offset for it
    /// (ListOffsets by timestamp) where it has one, else the partition's start: a broker that cannot look a time up
    /// (the embedded one) costs a longer read, never a missed row, as the catch-up passes over what is older.
    /// </summary>
    public static (long[] Offsets, long SinceMs)? Start<T>(TopicFeed<T> feed, string from, long[] until)
        where T : IMessageContract<T>
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(feed.ConsumerConfig()).Build();
        var partitions = Enumerable.Range(0, until.Length).Select(p => new TopicPartition(feed.Topic, p)).ToList();
        var starts = partitions.Select(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).Low.Value).ToArray();
        if (string.Equals(from, "earliest", StringComparison.OrdinalIgnoreCase))
        {
            return (starts, long.MinValue);
        }

        if (!DateTimeOffset.TryParse(from, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            return null;
        }

        foreach (var found in consumer.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, new Timestamp(time))), TimeSpan.FromSeconds(10)))
        {
            if (found.Offset.Value >= 0)
            {
                starts[found.Partition.Value] = Math.Max(starts[found.Partition.Value], found.Offset.Value);
            }
        }

        return (starts, time.ToUnixTimeMilliseconds());
    }

    /// <summary>The frames <paramref name="wants"/> accepts from <paramref name="from"/> up to <paramref name="until"/>, each with the positions a client has once it has it.</summary>
    public static async IAsyncEnumerable<FeedFrame> ReadAsync<T>(TopicFeed<T> feed, long[] from, long[] until, Func<FeedFrame, bool> wants, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where T : IMessageContract<T>
    {
        var positions = from.Select((start, p) => Math.Min(start, until[p])).ToArray();
        var open = Enumerable.Range(0, until.Length).Where(p => positions[p] < until[p]).ToHashSet();
        if (open.Count == 0)
        {
            yield break;
        }

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(feed.ConsumerConfig(partitionEof: true)).Build();
        consumer.Assign(open.Select(p => new TopicPartitionOffset(feed.Topic, p, positions[p])));
        while (open.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // What is already fetched is taken at once; only a wait for more is moved off the request's thread.
            var message = consumer.Consume(TimeSpan.Zero) ?? await Task.Run(() => consumer.Consume(Poll), cancellationToken);
            if (message is null)
            {
                continue;
            }

            var partition = message.Partition.Value;
            if (message.IsPartitionEOF || message.Offset.Value >= until[partition])
            {
                // Caught up: what follows comes from the live feed.
                positions[partition] = until[partition];
                open.Remove(partition);
                continue;
            }

            positions[partition] = message.Offset.Value + 1;
            if (positions[partition] >= until[partition])
            {
                positions[partition] = until[partition];
                open.Remove(partition);
            }

            if (FeedFrame.Of(message, feed.Format) is { } frame && wants(frame))
            {
                yield return frame.Seal(FeedPositions.Encode(positions));
            }
        }

        consumer.Close();
    }
}
