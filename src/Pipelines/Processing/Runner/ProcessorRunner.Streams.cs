using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Pipelines.Processing;

// Streams: opening, events, properties and ends, idle and revoked streams.
public sealed partial class ProcessorRunner<TIn, TOut>
{
    /// <summary>
    /// The stream of a message, seen at <paramref name="now"/> (when its fetch round was read); its first message
    /// opens it (and calls the open handler, if any).
    /// </summary>
    private async ValueTask<StreamInfo> OpenAsync(ConsumeResult<byte[]?, RowRange> result, long now, Work work, OutputProducer<TOut> output, CancellationToken stoppingToken)
    {
        var stream = streams.Touch(result.Partition.Value, result.Message.Key, now, out var opened);
        if (opened && features.HasFlag(ProcessorFeatures.StreamOpened))
        {
            await CallStreamHandlerAsync(stream, null, result.Message.Key, work, output, stoppingToken);
        }

        return stream;
    }

    /// <summary>Handles an event or a stream's properties or end, as the input deserializer read it.</summary>
    private async ValueTask HandleStreamMessageAsync(ConsumeResult<byte[]?, RowRange> result, int raw, StreamInfo stream, Work work, OutputProducer<TOut> output, CancellationToken stoppingToken)
    {
        var message = result.Message;
        switch (inputs.Decoded(raw))
        {
            case StreamEvent streamEvent:
                if (!features.HasFlag(ProcessorFeatures.Events))
                {
                    return; // a processor without an event handler skips events
                }

                context.Fill(message.Key, message.Timestamp, message.Headers, options.InputTopic, result.Partition.Value, result.Offset.Value, stream);
                using (var activity = PipelinesTelemetry.StartProcessing(options.Name, message.Headers))
                {
                    currentEvent = streamEvent;
                    var failure = await RetryAsync(callEvent, stoppingToken);
                    currentEvent = null!;
                    if (failure is null)
                    {
                        Emit(output, message.Key, activity, work);
                    }
                    else
                    {
                        Reject(new Rejected(result.Partition.Value, result.Offset.Value, message.Key, inputs.Raw(raw), message.Headers, message.Timestamp), failure, work, output);
                    }
                }

                return;
            case StreamProperties properties:
                stream.Properties = properties;
                Forward(output, MessageKind.StreamProperties, message.Key, inputs.Raw(raw), work);
                return;
            case StreamEnd end:
                streams.Remove(result.Partition.Value, message.Key);
                await CloseAsync(stream, message.Key, end, work, output, stoppingToken);
                return;
        }
    }

    /// <summary>Calls the close handler, then tells the output topic, unless this instance merely lost the stream.</summary>
    private async ValueTask CloseAsync(StreamInfo stream, byte[]? key, StreamEnd end, Work work, OutputProducer<TOut> output, CancellationToken cancellationToken)
    {
        if (features.HasFlag(ProcessorFeatures.StreamClosed))
        {
            await CallStreamHandlerAsync(stream, end, key, work, output, cancellationToken);
        }

        if (end != StreamEnd.Revoked)
        {
            Forward(output, MessageKind.StreamEnd, key, StreamCodec.Write(end), work);
        }
    }

    /// <summary>Writes a stream message to the output topic under the stream's key, after the rows written before it.</summary>
    private void Forward(OutputProducer<TOut> output, MessageKind kind, byte[]? key, byte[]? value, Work work)
    {
        if (options.OutputTopic is not { } topic)
        {
            return;
        }

        if (outputBuffers is not null)
        {
            outputBuffers.FlushAll();
            DrainOutput(output);
        }

        streamHeaders.Remove(MessageTypes.Header);
        streamHeaders.Add(MessageTypes.Header, MessageTypes.ValueOf(kind));
        try
        {
            output.Produce(topic, key, value, streamHeaders, Timestamp.Default, work);
        }
        catch (KafkaException exception)
        {
            work.Fail(new ProcessorStoppedException(options.Name, context.Source, exception));
        }
    }

    /// <summary>Calls the processor's open (<paramref name="end"/> null) or close handler once; a failure is logged and the stream goes on.</summary>
    private async ValueTask CallStreamHandlerAsync(StreamInfo stream, StreamEnd? end, byte[]? key, Work work, OutputProducer<TOut> output, CancellationToken cancellationToken)
    {
        outputs.Clear();
        try
        {
            await (end is { } ended ? processor.OnStreamClosedAsync(stream, ended, outputs, cancellationToken) : processor.OnStreamOpenedAsync(stream, outputs, cancellationToken));
            Emit(output, key, null, work);
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            outputs.Clear();
            PipelinesTelemetry.Failed.Add(1, processorTag);
            logger.LogError(exception, "Processor {Processor}: its stream {Change} handler failed for stream {Stream}", options.Name, end is null ? "opened" : "closed", stream.Key);
        }
    }

    private async ValueTask CloseIdleStreamsAsync(OutputProducer<TOut> output, long now, CancellationToken stoppingToken)
    {
        if (options.StreamIdleTimeout is not { } timeout || streams.Count == 0)
        {
            return;
        }

        foreach (var (key, stream) in streams.TakeIdle(now, timeout))
        {
            // Rows still buffered were sent before the stream went quiet: they go first.
            if (inputBuffers is not null)
            {
                inputBuffers.Flush(stream.Partition, key);
                await DrainInputAsync(output, stoppingToken);
            }

            var work = tracker.Chain([]);
            await CloseAsync(stream, key, StreamEnd.Idle, work, output, stoppingToken);
            work.Finish();
        }
    }

    /// <summary>Calls the close handler of every stream of <paramref name="partitions"/>: they go on elsewhere, or after a restart.</summary>
    private async ValueTask RevokeStreamsAsync(Predicate<int> partitions, OutputProducer<TOut> output)
    {
        if (!features.HasFlag(ProcessorFeatures.StreamClosed))
        {
            streams.TakePartitions(partitions);
            return;
        }

        foreach (var (key, stream) in streams.TakePartitions(partitions))
        {
            var work = tracker.Chain([]);
            await CloseAsync(stream, key, StreamEnd.Revoked, work, output, CancellationToken.None);
            work.Finish();
        }
    }
}
