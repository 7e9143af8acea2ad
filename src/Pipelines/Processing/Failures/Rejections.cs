using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

/// <summary>
/// Applies the <see cref="FailurePolicy"/> to a message that could not be read or whose handler outlasted its
/// retries: a dead letter with the reason (the default), a logged skip, or a stop. A dead letter the broker refuses
/// stops the processor rather than let the message be committed. One per run: it writes through that run's producer,
/// and finds a message's value as consumed in the run's fetch round (<paramref name="round"/>) unless it was kept.
/// </summary>
internal sealed class Rejections<TIn, TOut>(ProcessorOptions options, InputDeserializer<TIn> round, OutputProducer<TOut> output, ILogger logger, KeyValuePair<string, object?> processorTag)
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    /// <summary>
    /// Fails <paramref name="rows"/> of <paramref name="message"/>, the first of them its row number
    /// <paramref name="first"/>: the message as consumed if they are all its rows, else those rows re-serialized, with
    /// a header saying which they are.
    /// </summary>
    public void RejectRows(InboundMessage message, ReadOnlySpan<TIn> rows, int first, Exception exception, Work work)
    {
        var rowCount = message.Rows.Count;
        if (rows.Length == rowCount)
        {
            Reject(message, message.ValueFrom(round) ?? MessageSerializer.SerializePacked(rows), exception, work);
            return;
        }

        var part = rows.Length == 1 ? MessageSerializer.Serialize(rows[0]) : MessageSerializer.SerializePacked(rows);
        Reject(message, part, exception, work, (first, rows.Length, rowCount));
    }

    /// <summary>Fails <paramref name="message"/> whole: its value as consumed goes to the dead-letter topic.</summary>
    public void Reject(InboundMessage message, Exception exception, Work work) => Reject(message, message.ValueFrom(round), exception, work);

    /// <summary>
    /// Fails the closing windows whose <c>Emit</c> threw (and empties <paramref name="failures"/>): each window's
    /// accumulator, under its stream key, with the reason; the window stays closed.
    /// </summary>
    public void RejectWindows(List<Pipelines.Windows.WindowEmitFailure> failures, Work work)
    {
        foreach (var failure in failures)
        {
            Reject(failure.Key, failure.Accumulator, null, Timestamp.Default, new TopicPartitionOffset(options.InputTopic, failure.Partition, Offset.Unset), failure.Exception, work, null);
        }

        failures.Clear();
    }

    /// <summary>
    /// Fails <paramref name="message"/>: what goes to the dead-letter topic is its key, headers and timestamp, and as
    /// value <paramref name="value"/> (the message as consumed, or with <paramref name="rows"/> the failed rows of it).
    /// </summary>
    public void Reject(InboundMessage message, byte[]? value, Exception exception, Work work, (int First, int Count, int Of)? rows = null) =>
        Reject(message.Key, value, message.Headers, message.Timestamp, new TopicPartitionOffset(options.TopicOf(message.Input), message.Partition, message.Offset), exception, work, rows);

    private void Reject(byte[]? key, byte[]? value, Headers? headers, Timestamp timestamp, TopicPartitionOffset source, Exception exception, Work work, (int First, int Count, int Of)? rows)
    {
        PipelinesTelemetry.Failed.Add(1, processorTag);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.Message);
        switch (options.OnFailure)
        {
            case FailurePolicy.Skip:
                Log.Skipped(logger, exception, options.Name, source, exception.Message);
                break;
            case FailurePolicy.Stop:
                work.Stop(new ProcessorStoppedException(options.Name, source, exception));
                break;
            default:
                Log.DeadLettered(logger, exception, options.Name, source, options.EffectiveDeadLetterTopic, exception.Message);
                try
                {
                    output.Produce(options.EffectiveDeadLetterTopic, key, value, DeadLetterHeaders.Create(headers, options.Name, source, exception, rows), timestamp, work, deadLetter: true);
                }
                catch (KafkaException refused)
                {
                    work.Stop(new ProcessorStoppedException(options.Name, source, refused));
                }

                break;
        }
    }
}
