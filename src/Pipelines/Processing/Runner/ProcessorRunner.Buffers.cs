using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

// Input and output buffers: filtering rows in, handling flushed input chunks (and failing their rows), writing flushed output chunks.
internal sealed partial class ProcessorRunner<TIn, TOut>
{
    /// <summary>Asks the filter about a row; a filter that throws fails the row like a handler would.</summary>
    private bool Admit(InputMessage message, int index, TIn row)
    {
        try
        {
            return calls.Admit(row);
        }
        catch (Exception exception)
        {
            using var activity = PipelinesTelemetry.StartProcessing(options.Name, message.Headers);
            run.Rejections.RejectRows(ToRejected(message), message.RowCount == 1 ? RawOf(message) : null, message.RowCount, new ReadOnlySpan<TIn>(in row), index, exception, message.Work);
            return false;
        }
    }

    private async ValueTask TickAsync(long now, CancellationToken stoppingToken)
    {
        if (inputBuffers is not null)
        {
            inputBuffers.Tick(now);
            await DrainInputAsync(stoppingToken);
        }

        if (outputBuffers is not null)
        {
            outputBuffers.Tick(now);
            DrainOutput();
        }
    }

    private async ValueTask DrainInputAsync(CancellationToken cancellationToken)
    {
        while (inputBuffers!.Ready.TryDequeue(out var chunk))
        {
            await HandleChunkAsync(chunk, cancellationToken);
            inputBuffers.Return(chunk);
        }
    }

    /// <summary>Handles a flushed input chunk: one call with all its rows for a batch handler, one call per row otherwise.</summary>
    private async ValueTask HandleChunkAsync(RowChunk<TIn> chunk, CancellationToken cancellationToken)
    {
        var work = tracker.Chain(chunk.Owners);
        var rows = chunk.Rows;
        var count = handlesBatches ? 1 : rows.Count;
        for (var call = 0; call < count; call++)
        {
            var origin = chunk.Origins[call].Message!;
            calls.Context.Fill(chunk.Key, origin.Timestamp, origin.Headers, options.InputTopic, origin.Partition, origin.Offset, origin.Stream);
            using var activity = PipelinesTelemetry.StartProcessing(options.Name, origin.Headers);
            var failure = handlesBatches ? await calls.HandleAsync(rows, cancellationToken) : await calls.HandleAsync(rows[call], cancellationToken);
            if (failure is null)
            {
                Emit(chunk.Key, activity, work);
            }
            else
            {
                RejectChunk(chunk, handlesBatches ? 0 : call, handlesBatches ? rows.Count : 1, failure, work);
            }
        }

        work.Finish();
    }

    private void DrainOutput()
    {
        while (outputBuffers!.Ready.TryDequeue(out var chunk))
        {
            var work = tracker.Chain(chunk.Owners);
            try
            {
                var written = run.Output.ProduceRows(options.OutputTopic!, chunk, options.OutputBuffer!.MaxBytes, work);
                outputBytesPerRow = Math.Max(1, (written + chunk.Count - 1) / chunk.Count);
            }
            catch (KafkaException exception)
            {
                work.Fail(new ProcessorStoppedException(options.Name, new TopicPartitionOffset(options.InputTopic, chunk.Partition, Offset.Unset), exception));
            }

            work.Finish();
            outputBuffers.Return(chunk);
        }
    }

    private void OnFlushWhenFailed(Exception exception) =>
        Log.FlushWhenFailed(logger, exception, options.Name);

    /// <summary>Fails rows <paramref name="start"/>..+<paramref name="count"/> of a chunk: each run of one message's rows goes as one part.</summary>
    private void RejectChunk(RowChunk<TIn> chunk, int start, int count, Exception exception, Work work)
    {
        var rows = CollectionsMarshal.AsSpan(chunk.Rows);
        var end = start + count;
        while (start < end)
        {
            var (message, first) = chunk.Origins[start];
            var length = 1;
            while (start + length < end && chunk.Origins[start + length] == new RowOrigin(message, first + length))
            {
                length++;
            }

            var whole = length == message!.RowCount;
            run.Rejections.RejectRows(ToRejected(message), whole ? RawOf(message) : null, message.RowCount, rows.Slice(start, length), first, exception, work);
            start += length;
        }
    }

    private static RejectedMessage ToRejected(InputMessage message) =>
        new(message.Partition, message.Offset, message.Key, null, message.Headers, message.Timestamp);

    private byte[]? RawOf(InputMessage message) => message.Raw ?? (message.RawIndex >= 0 ? inputs.Raw(message.RawIndex) : null);
}
