using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Pipelines.Processing;

// Failed rows and messages: dead letters (whole messages as consumed, or the failed rows of a batch), skips and stops.
public sealed partial class ProcessorRunner<TIn, TOut>
{
    /// <summary>Fails rows <paramref name="start"/>..+<paramref name="count"/> of a chunk: each run of one message's rows goes as one part.</summary>
    private void RejectChunk(RowChunk<TIn> chunk, int start, int count, Exception exception, Work work)
    {
        var rows = CollectionsMarshal.AsSpan(chunk.Rows);
        var end = start + count;
        while (start < end)
        {
            var (message, first) = chunk.Origins[start];
            var run = 1;
            while (start + run < end && chunk.Origins[start + run] == new RowOrigin(message, first + run))
            {
                run++;
            }

            var whole = run == message!.RowCount;
            RejectRows(ToRejected(message), whole ? RawOf(message) : null, message.RowCount, rows.Slice(start, run), first, exception, work);
            start += run;
        }
    }

    /// <summary>
    /// Fails some rows of one message: the message as consumed if <paramref name="raw"/> is given (all its rows
    /// failed), else those rows re-serialized, with a header saying which they are.
    /// </summary>
    private void RejectRows(Rejected message, byte[]? raw, int rowCount, ReadOnlySpan<TIn> rows, int first, Exception exception, Work work)
    {
        if (raw is not null || rows.Length == rowCount)
        {
            Reject(message with { Value = raw ?? MessageSerializer.SerializeBatch(rows) }, exception, work);
            return;
        }

        var value = rows.Length == 1 ? MessageSerializer.Serialize(rows[0]) : MessageSerializer.SerializeBatch(rows);
        Reject(message with { Value = value }, exception, work, (first, rows.Length, rowCount));
    }

    private Rejected ToRejected(InputMessage message) =>
        new(message.Partition, message.Offset, message.Key, null, message.Headers, message.Timestamp);

    private byte[]? RawOf(InputMessage message) => message.Raw ?? (message.RawIndex >= 0 ? inputs.Raw(message.RawIndex) : null);

    private void Reject(in Rejected message, Exception exception, Work work, (int First, int Count, int Of)? rows = null)
    {
        var source = new TopicPartitionOffset(options.InputTopic, message.Partition, message.Offset);
        PipelinesTelemetry.Failed.Add(1, processorTag);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.Message);
        switch (options.OnFailure)
        {
            case FailurePolicy.Skip:
                logger.LogWarning(exception, "Processor {Processor} skipped {Source}: {Reason}", options.Name, source, exception.Message);
                break;
            case FailurePolicy.Stop:
                work.Fail(new ProcessorStoppedException(options.Name, source, exception));
                break;
            default:
                logger.LogWarning(exception, "Processor {Processor} dead-lettered {Source} to {DeadLetterTopic}: {Reason}", options.Name, source, options.EffectiveDeadLetterTopic, exception.Message);
                try
                {
                    run.Output.Produce(options.EffectiveDeadLetterTopic, message.Key, message.Value, DeadLetterHeaders.Create(message.Headers, options.Name, source, exception, rows), message.Timestamp, work, deadLetter: true);
                }
                catch (KafkaException refused)
                {
                    work.Fail(new ProcessorStoppedException(options.Name, source, refused));
                }

                break;
        }
    }
}
