using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Pipelines.Processing;

// Offsets: storing finished ones, committing, rebalances and shutdown.
public sealed partial class ProcessorRunner<TIn, TOut>
{
    private static void UpdateLag(IConsumer<byte[]?, RowRange> consumer, PipelinesTelemetry.LagSource lag)
    {
        long total = 0;
        foreach (var partition in consumer.Assignment)
        {
            var watermarks = consumer.GetWatermarkOffsets(partition);
            var position = consumer.Position(partition);
            if (watermarks.High != Offset.Unset && position != Offset.Unset)
            {
                total += Math.Max(0, watermarks.High.Value - position.Value);
            }
        }

        Interlocked.Exchange(ref lag.Value, total);
    }

    /// <summary>
    /// Stores the offsets of finished messages, and commits them when <paramref name="commit"/> is set (a hand-over
    /// or a stop, where a retriable failure is tried again) or <see cref="ProcessorOptions.CommitEvery"/> is reached.
    /// </summary>
    private void StoreFinished(IConsumer<byte[]?, RowRange> consumer, bool commit)
    {
        storedAt = Stopwatch.GetTimestamp();
        committable.Clear();
        storedSinceCommit += tracker.TakeCommittable(committable);
        foreach (var offset in committable)
        {
            try
            {
                consumer.StoreOffset(offset);
            }
            catch (KafkaException exception)
            {
                // Most often the partition was revoked meanwhile; its new owner resumes from the last commit (at least once).
                logger.LogDebug("Processor {Processor} could not store offset {Offset} of {Partition}: {Reason}", options.Name, offset.Offset, offset.TopicPartition, exception.Error.Reason);
            }
        }

        // librdkafka commits what is stored every CommitInterval; CommitEvery adds a commit by count.
        if (commit || storedSinceCommit >= options.CommitEvery)
        {
            CommitStored(consumer, commit ? FinalCommitAttempts : 1);
        }
    }

    private void OnRevoked(IConsumer<byte[]?, RowRange> consumer, OutputProducer<TOut> output, List<TopicPartitionOffset> revoked)
    {
        // Buffered rows of revoked partitions are handled now, and every output acknowledged and committed, before
        // another instance takes over: it starts after them, so nothing is handled or written twice. Rows fetched
        // but not yet buffered are left to that instance. This runs inside Consume, on the loop's own thread, so
        // waiting for the handler here blocks nothing else.
        if (tracker.Failure is null)
        {
            if (inputBuffers?.Buffered > 0)
            {
                inputBuffers.FlushAll(partition => revoked.Exists(p => p.Partition.Value == partition));
                DrainInputAsync(output, stopping).AsTask().GetAwaiter().GetResult();
            }

            RevokeStreamsAsync(partition => revoked.Exists(p => p.Partition.Value == partition), output).AsTask().GetAwaiter().GetResult();
            if (outputBuffers is not null)
            {
                outputBuffers.FlushAll();
                DrainOutput(output);
            }
        }

        output.Flush(ShutdownFlushTimeout);
        StoreFinished(consumer, commit: true);
        OnLost(revoked);
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        // Lost, not revoked: the partitions already have a new owner, which reads these rows again.
        inputBuffers?.Drop(partition => lost.Exists(p => p.Partition.Value == partition));
        reassembler.Drop(partition => lost.Exists(p => p.Partition.Value == partition));
        streams.TakePartitions(partition => lost.Exists(p => p.Partition.Value == partition));
        tracker.Forget(lost.Select(p => p.TopicPartition));
        fetched.RemoveAll(f => lost.Exists(p => p.Partition == f.Result.Partition));
    }

    private async ValueTask ShutdownAsync(IConsumer<byte[]?, RowRange> consumer, OutputProducer<TOut> output)
    {
        try
        {
            if (tracker.Failure is null)
            {
                try
                {
                    // Buffered rows are in-flight work: handled to the end (the stop was already signalled, so handlers
                    // get a token that is not cancelled), then written, so the final commit covers them.
                    if (inputBuffers?.Buffered > 0)
                    {
                        inputBuffers.FlushAll();
                        await DrainInputAsync(output, CancellationToken.None);
                    }

                    await RevokeStreamsAsync(_ => true, output);
                    if (outputBuffers is not null)
                    {
                        outputBuffers.FlushAll();
                        DrainOutput(output);
                    }
                }
                catch (Exception exception)
                {
                    logger.LogError(exception, "Processor {Processor} could not flush its buffers on shutdown; their rows stay uncommitted", options.Name);
                }
            }

            var unflushed = output.Flush(ShutdownFlushTimeout);
            if (unflushed > 0)
            {
                logger.LogError("Processor {Processor} stopped with {Count} outputs unacknowledged; their inputs stay uncommitted", options.Name, unflushed);
            }

            StoreFinished(consumer, commit: true);
        }
        finally
        {
            // Whatever happened above, the group is left and the client released; the producer is disposed by the loop.
            try
            {
                consumer.Close();
            }
            catch (KafkaException exception)
            {
                logger.LogWarning("Processor {Processor} closed its consumer with an error: {Reason}", options.Name, exception.Error.Reason);
            }
        }

        logger.LogInformation("Processor {Processor} stopped", options.Name);
    }

    /// <summary>
    /// Commits what is stored, trying a retriable failure up to <paramref name="attempts"/> times. No failure loses
    /// data (see <see cref="CommitErrors"/>): the offsets stay stored for the next commit, or the next owner
    /// reprocesses from the last one. Only a fatal client error stops the processor, as its failure.
    /// </summary>
    private void CommitStored(IConsumer<byte[]?, RowRange> consumer, int attempts)
    {
        storedSinceCommit = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                consumer.Commit();
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
                        var delay = TimeSpan.FromTicks(CommitRetryBackoff.Ticks << (attempt - 1));
                        logger.LogWarning("Processor {Processor} could not commit ({Reason}); retrying in {Delay} (attempt {Attempt} of {Attempts})", options.Name, exception.Error.Reason, delay, attempt, attempts);

                        // Called from the loop's thread or the rebalance callback, which must not return before the
                        // commit is settled; the whole wait is bounded by FinalCommitAttempts.
                        Thread.Sleep(delay);
                        continue;
                    case CommitError.Retriable:
                        logger.LogWarning("Processor {Processor} could not commit ({Reason}); the offsets stay stored for the next commit, and an instance that takes over a partition before then reprocesses from the last commit", options.Name, exception.Error.Reason);
                        return;
                    case CommitError.Rebalancing:
                        // The group is changing hands: whoever owns these partitions next starts from the last successful
                        // commit and may process a few messages again. At least once, never lost.
                        logger.LogWarning("Processor {Processor} could not commit during a rebalance ({Reason}); the next owner may reprocess a few messages", options.Name, exception.Error.Reason);
                        return;
                    case CommitError.Refused:
                        logger.LogError("Processor {Processor}: the broker refused its commit ({Code}: {Reason}); nothing is lost, but until a commit succeeds a restart reprocesses from the last one", options.Name, exception.Error.Code, exception.Error.Reason);
                        return;
                    default:
                        tracker.Fail(exception);
                        return;
                }
            }
        }
    }
}
