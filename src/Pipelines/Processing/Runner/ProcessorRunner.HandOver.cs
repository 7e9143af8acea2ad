using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

// Partitions changing hands, and shutdown: what is in flight is finished and committed (see OffsetCommitter).
internal sealed partial class ProcessorRunner<TIn, TOut>
{
    private void UpdateLag(PipelinesTelemetry.LagSource lag)
    {
        long total = 0;
        var consumer = run.Consumer;
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

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        if (closing)
        {
            // Called from Close: the stop already flushed and made its final commit. A synchronous commit from here
            // can wait forever in librdkafka (seen when earlier commits failed: the group is already terminating),
            // and librdkafka's own commit at unassign covers anything stored since.
            OnLost(revoked);
            return;
        }

        // Buffered rows of revoked partitions are handled now, and every output acknowledged and committed, before
        // another instance takes over: it starts after them, so nothing is handled or written twice. Rows fetched
        // but not yet buffered are left to that instance. This runs inside Consume, on the loop's own thread, so
        // waiting for the handler here blocks nothing else.
        if (tracker.Failure is null)
        {
            if (inputBuffers?.Buffered > 0)
            {
                inputBuffers.FlushAll(partition => revoked.Exists(p => p.Partition.Value == partition));
                DrainInputAsync(stopping).AsTask().GetAwaiter().GetResult();
            }

            RevokeStreamsAsync(partition => revoked.Exists(p => p.Partition.Value == partition)).AsTask().GetAwaiter().GetResult();
            if (outputBuffers is not null)
            {
                outputBuffers.FlushAll();
                DrainOutput();
            }
        }

        run.Output.Flush(ShutdownFlushTimeout);
        run.Committer.StoreFinished(final: true);
        OnLost(revoked);
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        // Lost, not revoked: the partitions already have a new owner, which reads these rows again.
        inputBuffers?.Drop(partition => lost.Exists(p => p.Partition.Value == partition));
        splits.Drop(partition => lost.Exists(p => p.Partition.Value == partition));
        streams.TakePartitions(partition => lost.Exists(p => p.Partition.Value == partition));
        tracker.Forget(lost.Select(p => p.TopicPartition));
        fetched.RemoveAll(f => lost.Exists(p => p.Partition == f.Result.Partition));
    }

    private async ValueTask ShutdownAsync()
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
                        await DrainInputAsync(CancellationToken.None);
                    }

                    await RevokeStreamsAsync(_ => true);
                    if (outputBuffers is not null)
                    {
                        outputBuffers.FlushAll();
                        DrainOutput();
                    }
                }
                catch (Exception exception)
                {
                    Log.ShutdownFlushFailed(logger, exception, options.Name);
                }
            }

            var unflushed = run.Output.Flush(ShutdownFlushTimeout);
            if (unflushed > 0)
            {
                Log.StoppedUnacknowledged(logger, options.Name, unflushed);
            }

            run.Committer.StoreFinished(final: true);
        }
        finally
        {
            // Whatever happened above, the group is left and the client released; the producer is disposed by the loop.
            try
            {
                closing = true;
                run.Consumer.Close();
            }
            catch (KafkaException exception)
            {
                Log.CloseFailed(logger, options.Name, exception.Error.Reason);
            }
        }

        Log.Stopped(logger, options.Name);
    }
}
