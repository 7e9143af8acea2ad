using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.Sinks;

/// <summary>
/// A sink's failures by its <see cref="ProcessorOptions.OnFailure"/> policy: a message it cannot read, or a row its
/// target refuses, goes to the dead-letter topic with the reason (the default), is skipped with a log, or stops the sink.
/// Dead letters are flushed before the batch that passes them is written; one the broker refuses stops the sink, so that
/// no position moves past a message that went nowhere.
/// </summary>
internal sealed class SinkDeadLetters<T>(ProcessorOptions options, IProducer<byte[]?, byte[]?> producer, Infrastructure.ContractFormat<T> format, ILogger logger)
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);
    private (Exception Reason, TopicPartitionOffset Source)? refused;

    /// <summary>A message that is not rows of the contract: the message as consumed.</summary>
    public void Reject(ConsumeResult<byte[]?, byte[]?> message, Exception exception) =>
        Reject(message, message.Message.Value, exception, null);

    /// <summary>
    /// Row <paramref name="index"/> of the <paramref name="count"/> rows of <paramref name="message"/>: the message as
    /// consumed if it held only that row, else the row alone, written again in the topic's format.
    /// </summary>
    public void RejectRow(ConsumeResult<byte[]?, byte[]?> message, int index, int count, T row, Exception exception)
    {
        if (count == 1)
        {
            Reject(message, message.Message.Value, exception, null);
            return;
        }

        var value = new System.Buffers.ArrayBufferWriter<byte>(256);
        format.Write(value, row, message.Topic);
        Reject(message, value.WrittenSpan.ToArray(), exception, (index, 1, count));
    }

    /// <summary>Waits for every dead letter to be acknowledged.</summary>
    /// <exception cref="ProcessorStoppedException">The broker refused one.</exception>
    public void Flush()
    {
        if (producer.Flush(FlushTimeout) > 0)
        {
            refused ??= (new KafkaException(ErrorCode.Local_TimedOut), new TopicPartitionOffset(options.EffectiveDeadLetterTopic, Partition.Any, Offset.Unset));
        }

        if (refused is { } failure)
        {
            throw new ProcessorStoppedException(options.Name, failure.Source, failure.Reason);
        }
    }

    private void Reject(ConsumeResult<byte[]?, byte[]?> message, byte[]? value, Exception exception, (int First, int Count, int Of)? rows)
    {
        var source = message.TopicPartitionOffset;
        switch (options.OnFailure)
        {
            case FailurePolicy.Skip:
                Log.Skipped(logger, exception, options.Name, source, exception.Message);
                return;
            case FailurePolicy.Stop:
                throw new ProcessorStoppedException(options.Name, source, exception);
        }

        Log.DeadLettered(logger, exception, options.Name, source, options.EffectiveDeadLetterTopic, exception.Message);
        producer.Produce(
            options.EffectiveDeadLetterTopic,
            new Message<byte[]?, byte[]?> { Key = message.Message.Key, Value = value, Headers = DeadLetterHeaders.Create(message.Message.Headers, options.Name, source, exception, rows), Timestamp = message.Message.Timestamp },
            report =>
            {
                if (report.Error.IsError)
                {
                    refused ??= (new KafkaException(report.Error), source);
                }
            });
    }
}
