namespace Pipelines.Processing;

/// <summary>
/// The life of the streams a processor instance sees: a stream opens with its first message (calling the open
/// hook), takes events and properties, and closes on an end message, after going idle, or when its partition is
/// revoked (calling the close hook, and telling the output topic unless the stream merely moved to another instance).
/// The loop decides when (so that buffered rows of a stream go first); this stage does what each step means. One per
/// run; for the loop's thread only.
/// </summary>
internal sealed class StreamStage<TIn, TOut>(
    ProcessorOptions options,
    ProcessorCalls<TIn, TOut> calls,
    InputDeserializer<TIn> round,
    OutputStage<TOut> output,
    Rejections<TIn, TOut> rejections,
    OffsetTracker tracker)
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private readonly StreamTracker streams = new();

    /// <summary>How many streams are open.</summary>
    public int Count => streams.Count;

    /// <summary>
    /// Finds or opens the stream of <paramref name="message"/>, seen at <paramref name="now"/> (when its fetch round
    /// was read), and sets it on the message; the stream's first message calls the open hook, if any.
    /// </summary>
    public async ValueTask OpenAsync(InboundMessage message, long now, CancellationToken stoppingToken)
    {
        var stream = streams.Touch(message.Partition, message.Key, now, out var opened);
        message.Stream = stream;
        if (opened && calls.Has(ProcessorFeatures.StreamOpened))
        {
            await CallHookAsync(stream, null, message.Key, message.Work, stoppingToken);
        }
    }

    /// <summary>Handles an event, or a stream's properties or end, as the input reader decoded it.</summary>
    public async ValueTask HandleAsync(InboundMessage message, CancellationToken stoppingToken)
    {
        var stream = message.Stream;
        switch (round.Decoded(message.Slot))
        {
            case StreamEvent streamEvent:
                if (!calls.Has(ProcessorFeatures.Events))
                {
                    return; // a processor without an event handler skips events
                }

                calls.Context.Fill(message, options.TopicOf(message.Input));
                using (var activity = PipelinesTelemetry.StartProcessing(options, message.Input, message.Headers, message.Partition, message.Offset))
                {
                    var failure = await calls.HandleEventAsync(streamEvent, stoppingToken);
                    if (failure is null)
                    {
                        output.Emit(message.Key, activity, message.Work);
                    }
                    else
                    {
                        rejections.Reject(message, failure, message.Work);
                    }
                }

                return;
            case StreamProperties properties:
                stream.Properties = properties;
                output.Forward(MessageType.StreamProperties, message.Key, message.ValueFrom(round), message.Work);
                return;
            case StreamEnd end:
                streams.Remove(message.Partition, message.Key);
                await CloseAsync(stream, message.Key, end, message.Work, stoppingToken);
                return;
        }
    }

    /// <summary>Takes out the streams last seen <paramref name="timeout"/> or longer before <paramref name="now"/> (on the processor's clock); the loop closes each.</summary>
    public List<(byte[]? Key, StreamInfo Stream)> TakeIdle(long now, TimeSpan timeout) => streams.TakeIdle(now, timeout, options.TimeProvider);

    /// <summary>Closes a stream that went quiet: the close hook, then its end on the output topic.</summary>
    public async ValueTask CloseIdleAsync(byte[]? key, StreamInfo stream, CancellationToken stoppingToken)
    {
        var work = tracker.Chain([]);
        await CloseAsync(stream, key, StreamEnd.Idle, work, stoppingToken);
        work.Finish();
    }

    /// <summary>Calls the close hook of every stream of <paramref name="partitions"/>: they go on elsewhere, or after a restart.</summary>
    public async ValueTask RevokeAsync(Predicate<int> partitions)
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

    /// <summary>Forgets the streams of partitions already owned by another instance, without calling any hook.</summary>
    public void Drop(Predicate<int> partitions) => streams.TakePartitions(partitions);

    /// <summary>Calls the close hook, then tells the output topic, unless this instance merely lost the stream.</summary>
    private async ValueTask CloseAsync(StreamInfo stream, byte[]? key, StreamEnd end, Work work, CancellationToken cancellationToken)
    {
        if (calls.Has(ProcessorFeatures.StreamClosed))
        {
            await CallHookAsync(stream, end, key, work, cancellationToken);
        }

        if (end != StreamEnd.Revoked)
        {
            output.Forward(MessageType.StreamEnd, key, StreamCodec.Write(end), work);
        }
    }

    /// <summary>Calls the open (<paramref name="end"/> null) or close hook once, then writes what it returned.</summary>
    private async ValueTask CallHookAsync(StreamInfo stream, StreamEnd? end, byte[]? key, Work work, CancellationToken cancellationToken)
    {
        if (await calls.OnStreamChangedAsync(stream, end, cancellationToken))
        {
            output.Emit(key, null, work);
        }
    }
}
