using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

/// <summary>
/// A message, or some rows of one, that failed: where it was read (its partition and offset), and what goes to the
/// dead-letter topic: its key, headers and timestamp, and as <c>Value</c> the message as consumed or the failed rows
/// re-serialized.
/// </summary>
internal readonly record struct RejectedMessage(int Partition, long Offset, byte[]? Key, byte[]? Value, Headers? Headers, Timestamp Timestamp);

/// <summary>
/// Applies the <see cref="FailurePolicy"/> to a message that could not be read or whose handler outlasted its
/// retries: a dead letter with the reason (the default), a logged skip, or a stop. A dead letter the broker refuses
/// stops the processor rather than let the message be committed. One per run: it writes through that run's producer.
/// </summary>
internal sealed class Rejections<TIn, TOut>(ProcessorOptions options, OutputProducer<TOut> output, ILogger logger, KeyValuePair<string, object?> processorTag)
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    /// <summary>
    /// Fails some rows of one message: the message as consumed if <paramref name="raw"/> is given (all its rows
    /// failed), else those rows re-serialized, with a header saying which they are.
    /// </summary>
    public void RejectRows(RejectedMessage message, byte[]? raw, int rowCount, ReadOnlySpan<TIn> rows, int first, Exception exception, Work work)
    {
        if (raw is not null || rows.Length == rowCount)
        {
            Reject(message with { Value = raw ?? MessageSerializer.SerializeBatch(rows) }, exception, work);
            return;
        }

        var value = rows.Length == 1 ? MessageSerializer.Serialize(rows[0]) : MessageSerializer.SerializeBatch(rows);
        Reject(message with { Value = value }, exception, work, (first, rows.Length, rowCount));
    }

    /// <summary>Fails a whole message (or, with <paramref name="rows"/>, the rows of a batch it holds).</summary>
    public void Reject(in RejectedMessage message, Exception exception, Work work, (int First, int Count, int Of)? rows = null)
    {
        var source = new TopicPartitionOffset(options.InputTopic, message.Partition, message.Offset);
        PipelinesTelemetry.Failed.Add(1, processorTag);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.Message);
        switch (options.OnFailure)
        {
            case FailurePolicy.Skip:
                Log.Skipped(logger, exception, options.Name, source, exception.Message);
                break;
            case FailurePolicy.Stop:
                work.Fail(new ProcessorStoppedException(options.Name, source, exception));
                break;
            default:
                Log.DeadLettered(logger, exception, options.Name, source, options.EffectiveDeadLetterTopic, exception.Message);
                try
                {
                    output.Produce(options.EffectiveDeadLetterTopic, message.Key, message.Value, DeadLetterHeaders.Create(message.Headers, options.Name, source, exception, rows), message.Timestamp, work, deadLetter: true);
                }
                catch (KafkaException refused)
                {
                    work.Fail(new ProcessorStoppedException(options.Name, source, refused));
                }

                break;
        }
    }
}
