using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

/// <summary>Where committed offsets go: the consumer, or a fake in tests.</summary>
internal interface IOffsetSink
{
    /// <summary>Marks an offset for the next commit (librdkafka's <c>StoreOffset</c>).</summary>
    void Store(TopicPartitionOffset offset);

    /// <summary>Commits what is stored, now.</summary>
    /// <exception cref="KafkaException">The commit failed.</exception>
    void Commit();
}

/// <summary>
/// Moves finished offsets from the <see cref="OffsetTracker"/> to the consumer and commits them: librdkafka commits
/// what is stored every <see cref="ProcessorOptions.CommitInterval"/>; this adds a commit every
/// <see cref="ProcessorOptions.CommitEvery"/> messages and a final one at a hand-over or a stop. A failed commit
/// loses nothing (see <see cref="CommitErrors"/>): a retriable one is tried again at a hand-over or stop, and only a
/// fatal client error stops the processor, as the tracker's failure. For the loop's thread only.
/// </summary>
internal sealed class OffsetCommitter(OffsetTracker tracker, IOffsetSink sink, string processor, int? commitEvery, ILogger logger, KeyValuePair<string, object?> processorTag)
{
    /// <summary>How often a final commit is tried, waiting 100 ms, 200, 400, 800 between: at most 1.5 s.</summary>
    public const int FinalAttempts = 5;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    // Storing an offset costs a native call: done on a clock, not per message.
    public static readonly TimeSpan DefaultStoreInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<TopicPartitionOffset> committable = [];
    private long storedAt;
    private int storedSinceCommit;

    /// <summary>
    /// How often finished offsets are stored: every 100 ms by default. A processor with state stores them only after a
    /// checkpoint, which waits for every output in flight and for the changelog, so it does so once per
    /// <see cref="ProcessorOptions.CommitInterval"/> instead, as Kafka Streams does.
    /// </summary>
    public TimeSpan StoreInterval { get; init; } = DefaultStoreInterval;

    /// <summary>How the committer waits between attempts; called from the loop or the rebalance callback, which must not return before the commit is settled.</summary>
    public Action<TimeSpan> Wait { get; init; } = Thread.Sleep;

    /// <summary>Whether finished offsets are due to be stored at <paramref name="now"/> (<see cref="Stopwatch"/> ticks).</summary>
    public bool StoreDue(long now) => Stopwatch.GetElapsedTime(storedAt, now) >= StoreInterval;

    /// <summary>
    /// Stores the offsets of finished messages, and commits them when <paramref name="final"/> (a hand-over or a
    /// stop, where a retriable failure is tried again) or when <see cref="ProcessorOptions.CommitEvery"/> is reached.
    /// </summary>
    public void StoreFinished(bool final)
    {
        storedAt = Stopwatch.GetTimestamp();
        committable.Clear();
        storedSinceCommit += tracker.TakeCommittable(committable);
        foreach (var offset in committable)
        {
            try
            {
                sink.Store(offset);
            }
            catch (KafkaException exception)
            {
                // Most often the partition was revoked meanwhile; its new owner resumes from the last commit (at least once).
                Log.StoreFailed(logger, processor, offset.Offset, offset.TopicPartition, exception.Error.Reason);
            }
        }

        if (final || storedSinceCommit >= commitEvery)
        {
            Commit(final ? FinalAttempts : 1);
        }
    }

    private void Commit(int attempts)
    {
        storedSinceCommit = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                sink.Commit();
                return;
            }
            catch (KafkaException exception)
            {
                var error = CommitErrors.Classify(exception.Error);
                PipelinesTelemetry.CommitFailed(error, processorTag);
                switch (error)
                {
                    case CommitError.NothingToCommit:
                        return;
                    case CommitError.Retriable when attempt < attempts:
                        var delay = TimeSpan.FromTicks(FirstRetryDelay.Ticks << (attempt - 1));
                        Log.CommitRetrying(logger, processor, exception.Error.Reason, delay, attempt, attempts);
                        Wait(delay);
                        continue;
                    case CommitError.Retriable:
                        Log.CommitLeft(logger, processor, exception.Error.Reason);
                        return;
                    case CommitError.Rebalancing:
                        // The group is changing hands: whoever owns these partitions next starts from the last successful
                        // commit and may process a few messages again. At least once, never lost.
                        Log.CommitDuringRebalance(logger, processor, exception.Error.Reason);
                        return;
                    case CommitError.Refused:
                        Log.CommitRefused(logger, processor, exception.Error.Code, exception.Error.Reason);
                        return;
                    default:
                        tracker.Stop(exception);
                        return;
                }
            }
        }
    }
}

/// <summary>A consumer as an <see cref="IOffsetSink"/>.</summary>
internal sealed class ConsumerOffsets<TValue>(IConsumer<byte[]?, TValue> consumer) : IOffsetSink
{
    public void Store(TopicPartitionOffset offset) => consumer.StoreOffset(offset);

    public void Commit() => consumer.Commit();
}
