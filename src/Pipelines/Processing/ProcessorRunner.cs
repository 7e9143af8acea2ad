using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// The processing loop of one processor instance: consume, deserialize, handle, serialize, produce; at least
/// once. An input offset is stored for commit only after its rows were handled and its outputs (or its dead
/// letter) were acknowledged by the broker, in offset order per partition; with buffers, that is after the flush
/// holding its rows was handled and the flush holding their outputs was delivered. Stored offsets are committed
/// every <see cref="ProcessorOptions.CommitInterval"/> or <see cref="ProcessorOptions.CommitEvery"/> messages,
/// when partitions are revoked (after flushing their buffers) and on shutdown (after flushing every buffer).
/// </summary>
public sealed class ProcessorRunner<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(30);

    // Storing an offset and reading lag cost native calls and allocations: done on a clock, not per message.
    private static readonly TimeSpan StoreInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);

    // How often buffers' time rules are applied while rows wait: the resolution of Timeout and Reorder.
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(5);

    // A fetch round stops at this many raw bytes, so a round of large packed messages stays bounded.
    private const int MaxRoundBytes = 4 * 1024 * 1024;

    private readonly ProcessorOptions options;
    private readonly ProcessorHandler<TIn, TOut> handler;
    private readonly bool handlesBatches;
    private readonly ILogger logger;
    private readonly OffsetTracker tracker;
    private readonly StreamContext context = new();
    private readonly InputDeserializer<TIn> inputs = new();
    private readonly Outputs<TOut> outputs = new();
    private readonly List<Fetched> fetched = [];
    private readonly List<TIn> single = [default!];
    private readonly List<TopicPartitionOffset> committable = [];
    private readonly KeyValuePair<string, object?> processorTag;

    // Set when rows go through per-stream buffers (a batch handler, or an input buffer); otherwise each row of a
    // message is handled as it comes, the fastest path.
    private readonly RowBuffers<TIn>? inputBuffers;
    private readonly bool flushEachRound;
    private readonly Func<TIn, bool>? filter;
    private readonly RowBuffers<TOut>? outputBuffers;
    private readonly Reassembler reassembler = new();
    private readonly StreamTracker streams = new();
    private readonly StreamHandlers<TOut> streamHandlers;
    private readonly Headers streamHeaders = new();
    private long expiredAt;
    private long outputBytesPerRow;
    private long storedAt;
    private long tickedAt;
    private int storedSinceCommit;
    private CancellationToken stopping;

    /// <summary>Creates the loop over a handler of single rows; <see cref="RunAsync"/> starts it.</summary>
    public ProcessorRunner(ProcessorOptions options, RowHandler<TIn, TOut> handler, ILogger? logger = null)
        : this(options, Adapt(handler), handlesBatches: false, logger)
    {
    }

    /// <summary>
    /// Creates the loop; <see cref="RunAsync"/> starts it. Without an <see cref="ProcessorOptions.InputBuffer"/>, a
    /// batch handler receives, per call, the rows of one partition and stream key that were already fetched (up to
    /// <see cref="ProcessorOptions.MaxBatchSize"/>) and never waits for a batch to fill; with one, it receives each
    /// flushed buffer. A row handler is called once per row either way.
    /// </summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="handlesBatches">Whether the handler takes many rows per call.</param>
    /// <param name="logger">Where the loop logs.</param>
    /// <param name="hooks">The input buffer's filter and flush rule, if the processor declares them.</param>
    /// <param name="streamHandlers">Handlers of events and of streams opening and closing, if the processor has them.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public ProcessorRunner(ProcessorOptions options, ProcessorHandler<TIn, TOut> handler, bool handlesBatches, ILogger? logger = null, BufferHooks<TIn>? hooks = null, StreamHandlers<TOut>? streamHandlers = null)
    {
        this.streamHandlers = streamHandlers ?? new StreamHandlers<TOut>();
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        options.ValidateBuffers(TIn.Serializer.Schema, options.OutputTopic is null ? null : TOut.Serializer.Schema, hooks?.FlushWhen is not null);
        this.options = options;
        this.handler = handler;
        this.handlesBatches = handlesBatches;
        this.logger = logger ?? NullLogger.Instance;
        processorTag = new(PipelinesTelemetry.ProcessorTag, options.Name);
        tracker = new OffsetTracker(options.InputTopic, processorTag);
        if (options.InputBuffer is { } inputBuffer)
        {
            filter = hooks?.Filter;
            inputBuffers = new RowBuffers<TIn>(inputBuffer, hooks?.FlushWhen, OnFlushWhenFailed);
        }
        else if (handlesBatches)
        {
            inputBuffers = new RowBuffers<TIn>(new BufferOptions { MaxRows = options.MaxBatchSize });
            flushEachRound = true;
        }

        if (options.OutputBuffer is { } outputBuffer && options.OutputTopic is not null)
        {
            outputBuffers = new RowBuffers<TOut>(outputBuffer);
        }
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, then stops fetching, flushes buffers, waits for
    /// outputs in flight, commits and leaves the group. Faults if the processor must stop: a failure under
    /// <see cref="FailurePolicy.Stop"/>, or an output or dead letter the broker would not take.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken) => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None);

    private static ProcessorHandler<TIn, TOut> Adapt(RowHandler<TIn, TOut> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (rows, outputs, context, cancellationToken) => outputs.Add(handler(rows[0], context, cancellationToken));
    }

    private bool HasBuffered => inputBuffers?.Buffered > 0 || outputBuffers?.Buffered > 0;

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        using var lag = PipelinesTelemetry.TrackLag(processorTag);
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaSettings.Producer(options)).SetLogHandler((_, message) => Log(message)).Build();
        var output = new OutputProducer<TOut>(producer, options.MaxMessageBytes);
        using var consumer = new ConsumerBuilder<byte[]?, RowRange>(KafkaSettings.Consumer(options))
            .SetKeyDeserializer(StreamKeyDeserializer.Instance)
            .SetValueDeserializer(inputs)
            .SetLogHandler((_, message) => Log(message))
            .SetPartitionsRevokedHandler((c, revoked) => OnRevoked(c, output, revoked))
            .SetPartitionsLostHandler((_, lost) => OnLost(lost))
            .Build();
        consumer.Subscribe(options.InputTopic);
        var lagMeasured = 0L;
        logger.LogInformation("Processor {Processor} reads {Input} in group {Group}", options.Name, options.InputTopic, options.GroupId);
        if (options.IsFeedbackLoop)
        {
            // Allowed because a loop that ends (a counter, a filter) can be intended; the analyzer warns at compile time.
            logger.LogWarning("Processor {Processor} writes to {Input}, the topic it reads: every output comes back to it as input", options.Name, options.InputTopic);
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ThrowIfFailed();
                var now = Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(storedAt, now) >= StoreInterval)
                {
                    StoreFinished(consumer, commit: false);
                }

                inputs.Clear();
                fetched.Clear();

                // While rows wait in buffers, the poll must come back in time for their time rules.
                if (Fetch(consumer, output, HasBuffered ? TickInterval : PollTimeout) && inputBuffers is not null)
                {
                    while (inputs.Rows.Count < options.MaxBatchSize && inputs.Bytes < MaxRoundBytes && Fetch(consumer, output, TimeSpan.Zero))
                    {
                    }
                }

                if (fetched.Count > 0)
                {
                    await ProcessFetchedAsync(output, stoppingToken);
                }

                if (HasBuffered && Stopwatch.GetElapsedTime(tickedAt, now) >= TickInterval)
                {
                    tickedAt = now;
                    await TickAsync(output, now, stoppingToken);
                }

                if (Stopwatch.GetElapsedTime(expiredAt, now) >= LagInterval)
                {
                    expiredAt = now;
                    ExpireSplitMessages(output, now);
                    await CloseIdleStreamsAsync(output, now, stoppingToken);
                }

                if (Stopwatch.GetElapsedTime(lagMeasured, now) >= LagInterval)
                {
                    UpdateLag(consumer, lag);
                    lagMeasured = now;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A handler saw the stop; its message stays uncommitted and is processed again after restart.
        }
        finally
        {
            await ShutdownAsync(consumer, output);
        }

        ThrowIfFailed();
    }

    /// <summary>Reads one message into <see cref="fetched"/>, or dead-letters it if it cannot be read; false when there was none.</summary>
    private bool Fetch(IConsumer<byte[]?, RowRange> consumer, OutputProducer<TOut> output, TimeSpan timeout)
    {
        var index = inputs.Count;
        ConsumeResult<byte[]?, RowRange>? result;
        try
        {
            result = consumer.Consume(timeout);
        }
        catch (ConsumeException exception) when (exception.Error.Code is ErrorCode.Local_ValueDeserialization or ErrorCode.Local_KeyDeserialization)
        {
            var record = exception.ConsumerRecord;
            PipelinesTelemetry.Consumed.Add(1, processorTag);
            using var activity = PipelinesTelemetry.StartProcessing(options.Name, record.Message.Headers);
            var work = tracker.Rent();
            tracker.Begin(record.Partition.Value, record.Offset.Value, work);
            var reason = exception.InnerException ?? exception;
            Reject(new Rejected(record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value, record.Message.Headers, record.Message.Timestamp), reason, work, output);
            work.Finish();
            return true;
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            // librdkafka recovers from these (a broker restarting, a rebalance); the next poll goes on.
            logger.LogWarning(exception, "Processor {Processor} could not fetch: {Reason}", options.Name, exception.Error.Reason);
            return false;
        }

        if (result is null || result.IsPartitionEOF)
        {
            return false;
        }

        PipelinesTelemetry.Consumed.Add(1, processorTag);
        if (result.Message.Value.IsChunk)
        {
            AddChunk(result, index, output);
            return true;
        }

        fetched.Add(new Fetched(result, index, null));
        return true;
    }

    /// <summary>Holds a chunk of a split message; the last one makes the joined message a fetched message of its own.</summary>
    private void AddChunk(ConsumeResult<byte[]?, RowRange> result, int index, OutputProducer<TOut> output)
    {
        var (partition, offset, message) = (result.Partition.Value, result.Offset.Value, result.Message);
        var work = tracker.Rent();
        tracker.Begin(partition, offset, work);
        var chunk = new Reassembler.Chunk(partition, offset, message.Key, inputs.Raw(index)!, message.Headers, message.Timestamp, work);
        if (!SplitHeaders.TryRead(message.Headers, out var id, out var chunkIndex, out var count))
        {
            RejectChunks([chunk], new MessageFormatException($"The split headers of {result.TopicPartitionOffset} are missing or malformed: {SplitHeaders.Id}, {SplitHeaders.Index} (0 to count - 1) and {SplitHeaders.Count} (1 or more) are needed."), output);
            return;
        }

        Reassembler.Joined? joined;
        try
        {
            joined = reassembler.Add(chunk, id, chunkIndex, count, Stopwatch.GetTimestamp());
        }
        catch (SplitMessageException exception)
        {
            RejectChunks(exception.Chunks, exception, output);
            return;
        }

        if (joined is null)
        {
            return;
        }

        // The joined message's work holds every chunk's share: their offsets are committed once it is finished.
        var first = joined.First;
        var chained = tracker.Chain(joined.Chunks.Select(c => c.Work).ToList());
        var headers = SplitHeaders.Without(first.Headers);
        RowRange range;
        try
        {
            range = inputs.ReadJoined(joined.Value, headers);
        }
        catch (MessageFormatException exception)
        {
            Reject(new Rejected(first.Partition, first.Offset, first.Key, joined.Value, headers, first.Timestamp), exception, chained, output);
            chained.Finish();
            return;
        }

        var joinedResult = new ConsumeResult<byte[]?, RowRange>
        {
            TopicPartitionOffset = new TopicPartitionOffset(options.InputTopic, first.Partition, first.Offset),
            Message = new Message<byte[]?, RowRange> { Key = first.Key, Value = range, Headers = headers, Timestamp = first.Timestamp },
        };
        fetched.Add(new Fetched(joinedResult, inputs.Count - 1, chained));
    }

    private void ExpireSplitMessages(OutputProducer<TOut> output, long now)
    {
        if (reassembler.Count == 0)
        {
            return;
        }

        foreach (var chunks in reassembler.Expire(now, options.SplitTimeout))
        {
            SplitHeaders.TryRead(chunks[0].Headers, out var id, out _, out var count);
            RejectChunks(chunks, new SplitMessageException($"Split message {id} is incomplete: {chunks.Count} of its {count} chunks arrived within {options.SplitTimeout}.", chunks), output);
        }
    }

    /// <summary>Fails the chunks read of a message that cannot be joined, each as it was consumed, then lets their offsets be committed.</summary>
    private void RejectChunks(IReadOnlyList<Reassembler.Chunk> chunks, Exception reason, OutputProducer<TOut> output)
    {
        foreach (var chunk in chunks)
        {
            Reject(new Rejected(chunk.Partition, chunk.Offset, chunk.Key, chunk.Value, chunk.Headers, chunk.Timestamp), reason, chunk.Work, output);
            chunk.Work.Finish();
        }
    }

    private async ValueTask ProcessFetchedAsync(OutputProducer<TOut> output, CancellationToken stoppingToken)
    {
        if (inputBuffers is null)
        {
            await ProcessDirectAsync(output, fetched[0], stoppingToken);
            return;
        }

        // Every message is registered in fetch order first: the tracker's commit rule relies on offset order.
        var now = Stopwatch.GetTimestamp();
        foreach (var (result, raw, chained) in fetched)
        {
            var work = chained ?? Begin(result);
            var range = result.Message.Value;
            var stream = await OpenAsync(result, work, output, stoppingToken);
            if (range.IsStreamMessage)
            {
                // Rows of the stream that arrived before this message are handled before it.
                inputBuffers.Flush(result.Partition.Value, result.Message.Key);
                await DrainInputAsync(output, stoppingToken);
                await HandleStreamMessageAsync(result, raw, stream, work, output, stoppingToken);
                work.Finish();
                continue;
            }

            // Without an input buffer every row is handled within this round, while the raw buffer still holds the value.
            var message = new InputMessage(result.Partition.Value, result.Offset.Value, result.Message.Key, flushEachRound ? null : inputs.Raw(raw), flushEachRound ? raw : -1, result.Message.Headers, result.Message.Timestamp, range.Count, work, stream);
            var bytesPerRow = range.Count == 0 ? 0 : range.Bytes / range.Count;
            for (var i = 0; i < range.Count; i++)
            {
                var row = inputs.Rows[range.Start + i];
                if (filter is not null && !Admit(message, i, row, output))
                {
                    continue;
                }

                inputBuffers.Add(message.Partition, message.Key, row, new RowOrigin(message, i), bytesPerRow, TIn.Serializer.TimestampOf(row), work, now);
            }

            work.Finish();
        }

        if (flushEachRound)
        {
            inputBuffers.FlushAll();
        }

        await DrainInputAsync(output, stoppingToken);
    }

    /// <summary>Handles each row of one message as it comes: no buffers, no allocation per message.</summary>
    private async ValueTask ProcessDirectAsync(OutputProducer<TOut> output, Fetched message, CancellationToken stoppingToken)
    {
        var (result, raw, chained) = message;
        var work = chained ?? Begin(result);
        var range = result.Message.Value;
        var key = result.Message.Key;
        var stream = await OpenAsync(result, work, output, stoppingToken);
        if (range.IsStreamMessage)
        {
            await HandleStreamMessageAsync(result, raw, stream, work, output, stoppingToken);
            work.Finish();
            return;
        }

        context.Fill(key, result.Message.Timestamp, result.Message.Headers, options.InputTopic, result.Partition.Value, result.Offset.Value, stream);
        using var activity = PipelinesTelemetry.StartProcessing(options.Name, result.Message.Headers);
        for (var i = 0; i < range.Count; i++)
        {
            single[0] = inputs.Rows[range.Start + i];
            var failure = await HandleAsync(single, stoppingToken);
            if (failure is null)
            {
                Emit(output, key, activity, work);
                continue;
            }

            var rejected = new Rejected(result.Partition.Value, result.Offset.Value, key, null, result.Message.Headers, result.Message.Timestamp);
            RejectRows(rejected, range.Count == 1 ? inputs.Raw(raw) : null, range.Count, CollectionsMarshal.AsSpan(inputs.Rows).Slice(range.Start + i, 1), i, failure, work, output);
        }

        single[0] = default!;
        work.Finish();
    }

    private Work Begin(ConsumeResult<byte[]?, RowRange> result)
    {
        var work = tracker.Rent();
        tracker.Begin(result.Partition.Value, result.Offset.Value, work);
        return work;
    }

    /// <summary>The stream of a message; its first message opens it (and calls the open handler, if any).</summary>
    private async ValueTask<StreamInfo> OpenAsync(ConsumeResult<byte[]?, RowRange> result, Work work, OutputProducer<TOut> output, CancellationToken stoppingToken)
    {
        var stream = streams.Touch(result.Partition.Value, result.Message.Key, Stopwatch.GetTimestamp(), out var opened);
        if (opened && streamHandlers.OnOpened is { } onOpened)
        {
            await CallStreamHandlerAsync(onOpened, stream, null, result.Message.Key, work, output, stoppingToken);
        }

        return stream;
    }

    /// <summary>Handles an event or a stream's properties or end, read from the message's raw value.</summary>
    private async ValueTask HandleStreamMessageAsync(ConsumeResult<byte[]?, RowRange> result, int raw, StreamInfo stream, Work work, OutputProducer<TOut> output, CancellationToken stoppingToken)
    {
        var message = result.Message;
        var kind = message.Value.Kind;
        Rejected Rejected() => new(result.Partition.Value, result.Offset.Value, message.Key, inputs.Raw(raw), message.Headers, message.Timestamp);
        try
        {
            switch (kind)
            {
                case MessageKind.Event:
                    var streamEvent = StreamCodec.ReadEvent(inputs.RawSpan(raw));
                    if (streamHandlers.OnEvent is not { } onEvent)
                    {
                        return; // a processor without an event handler skips events
                    }

                    context.Fill(message.Key, message.Timestamp, message.Headers, options.InputTopic, result.Partition.Value, result.Offset.Value, stream);
                    using (var activity = PipelinesTelemetry.StartProcessing(options.Name, message.Headers))
                    {
                        var failure = await InvokeAsync(token => onEvent(streamEvent, outputs, context, token), stoppingToken);
                        if (failure is null)
                        {
                            Emit(output, message.Key, activity, work);
                        }
                        else
                        {
                            Reject(Rejected(), failure, work, output);
                        }
                    }

                    return;
                case MessageKind.StreamProperties:
                    stream.Properties = StreamCodec.ReadProperties(inputs.RawSpan(raw));
                    Forward(output, MessageKind.StreamProperties, message.Key, inputs.Raw(raw), work);
                    return;
                default:
                    var end = StreamCodec.ReadEnd(inputs.RawSpan(raw));
                    streams.Remove(result.Partition.Value, message.Key);
                    await CloseAsync(stream, message.Key, end, work, output, stoppingToken);
                    return;
            }
        }
        catch (MessageFormatException exception)
        {
            Reject(Rejected(), exception, work, output);
        }
    }

    /// <summary>Calls the close handler, then tells the output topic, unless this instance merely lost the stream.</summary>
    private async ValueTask CloseAsync(StreamInfo stream, byte[]? key, StreamEnd end, Work work, OutputProducer<TOut> output, CancellationToken cancellationToken)
    {
        if (streamHandlers.OnClosed is { } onClosed)
        {
            await CallStreamHandlerAsync(onClosed, stream, end, key, work, output, cancellationToken);
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

    /// <summary>Calls an open or close handler once; a failure is logged and the stream goes on.</summary>
    private async ValueTask CallStreamHandlerAsync(StreamChangeHandler<TOut> handler, StreamInfo stream, StreamEnd? end, byte[]? key, Work work, OutputProducer<TOut> output, CancellationToken cancellationToken)
    {
        outputs.Clear();
        try
        {
            await handler(stream, end, outputs, cancellationToken);
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
        if (streamHandlers.OnClosed is null)
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

    /// <summary>Calls a handler of an event with the retries of <see cref="HandleAsync"/>; returns the failure that outlasted them.</summary>
    private async ValueTask<Exception?> InvokeAsync(Func<CancellationToken, ValueTask> call, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            outputs.Clear();
            try
            {
                await call(stoppingToken);
                return null;
            }
            catch (Exception exception) when (!(exception is OperationCanceledException && stoppingToken.IsCancellationRequested))
            {
                if (attempt >= options.MaxRetries)
                {
                    outputs.Clear();
                    return exception;
                }

                await Task.Delay(Backoff(attempt), stoppingToken);
            }
        }
    }

    private TimeSpan Backoff(int attempt) => TimeSpan.FromTicks(Math.Min(options.RetryBackoff.Ticks << Math.Min(attempt, 20), MaxBackoff.Ticks));

    /// <summary>Asks the filter about a row; a filter that throws fails the row like a handler would.</summary>
    private bool Admit(InputMessage message, int index, TIn row, OutputProducer<TOut> output)
    {
        try
        {
            return filter!(row);
        }
        catch (Exception exception)
        {
            using var activity = PipelinesTelemetry.StartProcessing(options.Name, message.Headers);
            RejectRows(ToRejected(message), message.RowCount == 1 ? RawOf(message) : null, message.RowCount, new ReadOnlySpan<TIn>(in row), index, exception, message.Work, output);
            return false;
        }
    }

    private async ValueTask TickAsync(OutputProducer<TOut> output, long now, CancellationToken stoppingToken)
    {
        if (inputBuffers is not null)
        {
            inputBuffers.Tick(now);
            await DrainInputAsync(output, stoppingToken);
        }

        if (outputBuffers is not null)
        {
            outputBuffers.Tick(now);
            DrainOutput(output);
        }
    }

    private async ValueTask DrainInputAsync(OutputProducer<TOut> output, CancellationToken cancellationToken)
    {
        while (inputBuffers!.Ready.TryDequeue(out var chunk))
        {
            await HandleChunkAsync(output, chunk, cancellationToken);
            inputBuffers.Return(chunk);
        }
    }

    /// <summary>Handles a flushed input chunk: one call with all its rows for a batch handler, one call per row otherwise.</summary>
    private async ValueTask HandleChunkAsync(OutputProducer<TOut> output, RowChunk<TIn> chunk, CancellationToken cancellationToken)
    {
        var work = tracker.Chain(chunk.Owners);
        var rows = chunk.Rows;
        var calls = handlesBatches ? 1 : rows.Count;
        for (var call = 0; call < calls; call++)
        {
            var origin = chunk.Origins[call].Message!;
            context.Fill(chunk.Key, origin.Timestamp, origin.Headers, options.InputTopic, origin.Partition, origin.Offset, origin.Stream);
            using var activity = PipelinesTelemetry.StartProcessing(options.Name, origin.Headers);
            IReadOnlyList<TIn> callRows = rows;
            if (!handlesBatches)
            {
                single[0] = rows[call];
                callRows = single;
            }

            var failure = await HandleAsync(callRows, cancellationToken);
            if (failure is null)
            {
                Emit(output, chunk.Key, activity, work);
            }
            else
            {
                RejectChunk(chunk, handlesBatches ? 0 : call, handlesBatches ? rows.Count : 1, failure, work, output);
            }
        }

        single[0] = default!;
        work.Finish();
    }

    private async ValueTask<Exception?> HandleAsync(IReadOnlyList<TIn> rows, CancellationToken stoppingToken)
    {
        // Timing costs two clock reads a call; skip it when nothing listens to the histogram.
        var started = PipelinesTelemetry.HandlerDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                outputs.Clear();
                try
                {
                    await handler(rows, outputs, context, stoppingToken);
                    return null;
                }
                catch (Exception exception) when (!(exception is OperationCanceledException && stoppingToken.IsCancellationRequested))
                {
                    if (attempt >= options.MaxRetries)
                    {
                        outputs.Clear();
                        return exception;
                    }

                    var delay = Backoff(attempt);
                    logger.LogWarning(exception, "Processor {Processor} failed on {Source} (attempt {Attempt} of {Attempts}); retrying in {Delay}", options.Name, context.Source, attempt + 1, options.MaxRetries + 1, delay);
                    await Task.Delay(delay, stoppingToken);
                }
            }
        }
        finally
        {
            if (started != 0)
            {
                PipelinesTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, processorTag);
            }
        }
    }

    /// <summary>Writes what the handler returned: at once, or into the output buffers (and whatever they flush).</summary>
    private void Emit(OutputProducer<TOut> output, byte[]? inputKey, Activity? activity, Work work)
    {
        if (options.OutputTopic is not { } topic)
        {
            outputs.Clear();
            return;
        }

        var produced = outputs.Rows;
        if (outputBuffers is null)
        {
            for (var i = 0; i < produced.Count; i++)
            {
                try
                {
                    output.ProduceOutput(topic, produced[i], inputKey, activity, work);
                }
                catch (KafkaException exception)
                {
                    // The broker refused the output outright (too large, say): nothing past this input may be committed.
                    work.Fail(new ProcessorStoppedException(options.Name, context.Source, exception));
                    break;
                }
            }

            outputs.Clear();
            return;
        }

        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < produced.Count; i++)
        {
            var row = produced[i];
            if (outputBytesPerRow == 0)
            {
                // A first estimate: a row on its own is larger than its share of a batch.
                outputBytesPerRow = MessageSerializer.Serialize(row).Length;
            }

            outputBuffers.Add(0, TOut.Serializer.StreamKey(row) ?? inputKey, row, default, (int)outputBytesPerRow, TOut.Serializer.TimestampOf(row), work, now);
        }

        outputs.Clear();
        DrainOutput(output);
    }

    private void DrainOutput(OutputProducer<TOut> output)
    {
        while (outputBuffers!.Ready.TryDequeue(out var chunk))
        {
            var work = tracker.Chain(chunk.Owners);
            try
            {
                var written = output.ProduceRows(options.OutputTopic!, chunk, options.OutputBuffer!.MaxBytes, work);
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

    /// <summary>Fails rows <paramref name="start"/>..+<paramref name="count"/> of a chunk: each run of one message's rows goes as one part.</summary>
    private void RejectChunk(RowChunk<TIn> chunk, int start, int count, Exception exception, Work work, OutputProducer<TOut> output)
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
            RejectRows(ToRejected(message), whole ? RawOf(message) : null, message.RowCount, rows.Slice(start, run), first, exception, work, output);
            start += run;
        }
    }

    /// <summary>
    /// Fails some rows of one message: the message as consumed if <paramref name="raw"/> is given (all its rows
    /// failed), else those rows re-serialized, with a header saying which they are.
    /// </summary>
    private void RejectRows(Rejected message, byte[]? raw, int rowCount, ReadOnlySpan<TIn> rows, int first, Exception exception, Work work, OutputProducer<TOut> output)
    {
        if (raw is not null || rows.Length == rowCount)
        {
            Reject(message with { Value = raw ?? MessageSerializer.SerializeBatch(rows) }, exception, work, output);
            return;
        }

        var value = rows.Length == 1 ? MessageSerializer.Serialize(rows[0]) : MessageSerializer.SerializeBatch(rows);
        Reject(message with { Value = value }, exception, work, output, (first, rows.Length, rowCount));
    }

    private Rejected ToRejected(InputMessage message) =>
        new(message.Partition, message.Offset, message.Key, null, message.Headers, message.Timestamp);

    private byte[]? RawOf(InputMessage message) => message.Raw ?? (message.RawIndex >= 0 ? inputs.Raw(message.RawIndex) : null);

    private void Reject(in Rejected message, Exception exception, Work work, OutputProducer<TOut> output, (int First, int Count, int Of)? rows = null)
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
                    output.Produce(options.EffectiveDeadLetterTopic, message.Key, message.Value, DeadLetterHeaders.Create(message.Headers, options.Name, source, exception, rows), message.Timestamp, work, deadLetter: true);
                }
                catch (KafkaException refused)
                {
                    work.Fail(new ProcessorStoppedException(options.Name, source, refused));
                }

                break;
        }
    }

    private void OnFlushWhenFailed(Exception exception) =>
        logger.LogWarning(exception, "Processor {Processor}: its FlushWhen method threw; the buffer was flushed", options.Name);

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
            catch (KafkaException exception) when (exception.Error.Code == ErrorCode.Local_State)
            {
                // The partition was revoked meanwhile; its new owner resumes from the last commit (at least once).
                logger.LogDebug("Processor {Processor} no longer owns {Partition}; offset {Offset} not stored", options.Name, offset.TopicPartition, offset.Offset);
            }
        }

        // librdkafka commits what is stored every CommitInterval; CommitEvery adds a commit by count.
        if (commit || storedSinceCommit >= options.CommitEvery)
        {
            CommitStored(consumer);
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
        consumer.Close();
        logger.LogInformation("Processor {Processor} stopped", options.Name);
    }

    private void CommitStored(IConsumer<byte[]?, RowRange> consumer)
    {
        storedSinceCommit = 0;
        try
        {
            consumer.Commit();
        }
        catch (KafkaException exception) when (exception.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing new was stored since the last commit.
        }
        catch (KafkaException exception) when (exception.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId or ErrorCode.Local_State)
        {
            // The group is changing hands: whoever owns these partitions next starts from the last successful
            // commit and may process a few messages again. At least once, never lost.
            logger.LogWarning("Processor {Processor} could not commit during a rebalance ({Reason}); the next owner may reprocess a few messages", options.Name, exception.Error.Reason);
        }
    }

    private void Log(LogMessage message) =>
        logger.Log(
            message.Level switch
            {
                SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
                SyslogLevel.Error => LogLevel.Error,
                SyslogLevel.Warning => LogLevel.Warning,
                SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
                _ => LogLevel.Debug,
            },
            "librdkafka {Facility} ({Client}): {Message}",
            message.Facility,
            message.Name,
            message.Message);

    private void ThrowIfFailed()
    {
        if (tracker.Failure is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>A fetched message, where its raw bytes are kept, and for a message joined from chunks the work that holds them.</summary>
    private readonly record struct Fetched(ConsumeResult<byte[]?, RowRange> Result, int Raw, Work? Chained);

    /// <summary>A message to dead-letter, skip or stop on.</summary>
    private readonly record struct Rejected(int Partition, long Offset, byte[]? Key, byte[]? Value, Headers? Headers, Timestamp Timestamp);
}
