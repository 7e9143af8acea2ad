using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Pipelines.Processing;

// Streams: opening, events, properties and ends, idle and revoked streams.
internal sealed partial class ProcessorRunner<TIn, TOut>
{
    /// <summary>
    /// The stream of a message, seen at <paramref name="now"/> (when its fetch round was read); its first message
    /// opens it (and calls the open handler, if any).
    /// </summary>
    private async ValueTask<StreamInfo> OpenAsync(ConsumeResult<byte[]?, RowRange> result, long now, Work work, CancellationToken stoppingToken)
    {
        var stream = streams.Touch(result.Partition.Value, result.Message.Key, now, out var opened);
        if (opened && calls.Has(ProcessorFeatures.StreamOpened))
        {
            await CallStreamHandlerAsync(stream, null, result.Message.Key, work, stoppingToken);
        }

        return stream;
    }

    /// <summary>Handles an event or a stream's properties or end, as the input deserializer read it.</summary>
    private async ValueTask HandleStreamMessageAsync(ConsumeResult<byte[]?, RowRange> result, int raw, StreamInfo stream, Work work, CancellationToken stoppingToken)
    {
        var message = result.Message;
        switch (inputs.Decoded(raw))
        {
            case StreamEvent streamEvent:
                if (!calls.Has(ProcessorFeatures.Events))
                {
                    return; // a processor without an event handler skips events
                }

                calls.Context.Fill(message.Key, message.Timestamp, message.Headers, options.InputTopic, result.Partition.Value, result.Offset.Value, stream);
                using (var activity = PipelinesTelemetry.StartProcessing(options.Name, message.Headers))
                {
                    var failure = await calls.HandleEventAsync(streamEvent, stoppingToken);
                    if (failure is null)
                    {
                        Emit(message.Key, activity, work);
                    }
                    else
                    {
                        run.Rejections.Reject(new RejectedMessage(result.Partition.Value, result.Offset.Value, message.Key, inputs.Raw(raw), message.Headers, message.Timestamp), failure, work);
                    }
                }

                return;
            case StreamProperties properties:
                stream.Properties = properties;
                Forward(MessageKind.StreamProperties, message.Key, inputs.Raw(raw), work);
                return;
            case StreamEnd end:
                streams.Remove(result.Partition.Value, message.Key);
                await CloseAsync(stream, message.Key, end, work, stoppingToken);
                return;
        }
    }

    /// <summary>Calls the close handler, then tells the output topic, unless this instance merely lost the stream.</summary>
    private async ValueTask CloseAsync(StreamInfo stream, byte[]? key, StreamEnd end, Work work, CancellationToken cancellationToken)
    {
        if (calls.Has(ProcessorFeatures.StreamClosed))
        {
            await CallStreamHandlerAsync(stream, end, key, work, cancellationToken);
        }

        if (end != StreamEnd.Revoked)
        {
            Forward(MessageKind.StreamEnd, key, StreamCodec.Write(end), work);
        }
    }

    /// <summary>Writes a stream message to the output topic under the stream's key, after the rows written before it.</summary>
    private void Forward(MessageKind kind, byte[]? key, byte[]? value, Work work)
    {
        if (options.OutputTopic is not { } topic)
        {
            return;
        }

        if (outputBuffers is not null)
        {
            outputBuffers.FlushAll();
            DrainOutput();
        }

        streamHeaders.Remove(MessageTypes.Header);
        streamHeaders.Add(MessageTypes.Header, MessageTypes.ValueOf(kind));
        try
        {
            run.Output.Produce(topic, key, value, streamHeaders, Timestamp.Default, work);
        }
        catch (KafkaException exception)
        {
            work.Fail(new ProcessorStoppedException(options.Name, calls.Context.Source, exception));
        }
    }

    /// <summary>Calls the processor's open (<paramref name="end"/> null) or close handler once, then writes what it returned.</summary>
    private async ValueTask CallStreamHandlerAsync(StreamInfo stream, StreamEnd? end, byte[]? key, Work work, CancellationToken cancellationToken)
    {
        if (await calls.OnStreamChangedAsync(stream, end, cancellationToken))
        {
            Emit(key, null, work);
        }
    }

    private async ValueTask CloseIdleStreamsAsync(long now, CancellationToken stoppingToken)
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
                await DrainInputAsync(stoppingToken);
            }

            var work = tracker.Chain([]);
            await CloseAsync(stream, key, StreamEnd.Idle, work, stoppingToken);
            work.Finish();
        }
    }

    /// <summary>Calls the close handler of every stream of <paramref name="partitions"/>: they go on elsewhere, or after a restart.</summary>
    private async ValueTask RevokeStreamsAsync(Predicate<int> partitions)
    {
        if (!calls.Has(ProcessorFeatures.StreamClosed))
        {
            streams.TakePartitions(partitions);
            return;
        }

        foreach (var (key, stream) in streams.TakePartitions(partitions))
        {
            var work = tracker.Chain([]);
            await CloseAsync(stream, key, StreamEnd.Revoked, work, CancellationToken.None);
            work.Finish();
        }
    }
}
