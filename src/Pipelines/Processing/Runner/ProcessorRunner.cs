using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
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
internal sealed partial class ProcessorRunner<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(30);

    // Reading lag costs native calls and allocations: done on a clock, not per message.
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);

    // How often buffers' time rules are applied while rows wait: the resolution of Timeout and Reorder.
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(5);

    // A fetch round stops at this many raw bytes, so a round of large packed messages stays bounded.
    private const int MaxRoundBytes = 4 * 1024 * 1024;

    private readonly ProcessorOptions options;
    private readonly ProcessorCalls<TIn, TOut> calls;
    private readonly bool handlesBatches;
    private readonly ILogger logger;
    private readonly OffsetTracker tracker;
    private readonly InputDeserializer<TIn> inputs;
    private readonly List<Fetched> fetched = [];
    private readonly KeyValuePair<string, object?> processorTag;

    // Set when rows go through per-stream buffers (a batch handler, or an input buffer); otherwise each row of a
    // message is handled as it comes, the fastest path.
    private readonly RowBuffers<TIn>? inputBuffers;
    private readonly bool flushEachRound;
    private readonly RowBuffers<TOut>? outputBuffers;
    private readonly SplitJoiner<TIn> splits;
    private readonly StreamTracker streams = new();
    private readonly Headers streamHeaders = new();
    private long expiredAt;
    private long outputBytesPerRow;
    private long tickedAt;
    private Run run = null!;
    private CancellationToken stopping;

    // Set just before the consumer is closed: the revoke that Close raises must not commit again.
    private bool closing;

    /// <summary>
    /// Creates the loop; <see cref="RunAsync"/> starts it. Without an <see cref="ProcessorOptions.InputBuffer"/>, a
    /// processor that handles batches receives, per call, the rows of one partition and stream key that were already
    /// fetched (up to <see cref="ProcessorOptions.MaxBatchSize"/>) and never waits for a batch to fill; with one, it
    /// receives each flushed buffer. A processor that handles rows is called once per row either way.
    /// </summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="processor">The processor; its <see cref="IProcessor{TIn, TOut}.Features"/> say what the loop calls.</param>
    /// <param name="logger">Where the loop logs.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public ProcessorRunner(ProcessorOptions options, IProcessor<TIn, TOut> processor, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processor);
        options.Validate();
        options.ValidateBuffers(TIn.Serializer.Schema, options.OutputTopic is null ? null : TOut.Serializer.Schema, processor.Features.HasFlag(ProcessorFeatures.FlushWhen));
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        processorTag = new(PipelinesTelemetry.ProcessorTag, options.Name);
        calls = new ProcessorCalls<TIn, TOut>(processor, new RetryPolicy(options.MaxRetries, options.RetryBackoff), this.logger, options.Name, processorTag);
        handlesBatches = calls.Has(ProcessorFeatures.Batches);
        inputs = new InputDeserializer<TIn>(options.MaxSplitMessageBytes);
        tracker = new OffsetTracker(options.InputTopic, processorTag);
        splits = new SplitJoiner<TIn>(inputs, tracker, options);
        if (options.InputBuffer is { } inputBuffer)
        {
            inputBuffers = new RowBuffers<TIn>(inputBuffer, calls.FlushWhen, OnFlushWhenFailed);
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

    private bool HasBuffered => inputBuffers?.Buffered > 0 || outputBuffers?.Buffered > 0;

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        using var lag = PipelinesTelemetry.TrackLag(processorTag);
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaSettings.Producer(options)).SetLogHandler((_, message) => Log.Librdkafka(logger, message)).Build();
        using var consumer = new ConsumerBuilder<byte[]?, RowRange>(KafkaSettings.Consumer(options))
            .SetKeyDeserializer(StreamKeyDeserializer.Instance)
            .SetValueDeserializer(inputs)
            .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
            .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked))
            .SetPartitionsLostHandler((_, lost) => OnLost(lost))
            .Build();
        var output = new OutputProducer<TOut>(producer, options.MaxMessageBytes);
        run = new Run(
            consumer,
            output,
            new OffsetCommitter(tracker, new ConsumerOffsets<RowRange>(consumer), options.Name, options.CommitEvery, logger, processorTag),
            new Rejections<TIn, TOut>(options, output, logger, processorTag));
        consumer.Subscribe(options.InputTopic);
        var lagMeasured = 0L;
        Log.Started(logger, options.Name, options.InputTopic, options.GroupId);
        if (options.IsFeedbackLoop)
        {
            // Allowed because a loop that ends (a counter, a filter) can be intended; the analyzer warns at compile time.
            Log.FeedbackLoop(logger, options.Name, options.InputTopic);
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ThrowIfFailed();
                var now = Stopwatch.GetTimestamp();
                if (run.Committer.StoreDue(now))
                {
                    run.Committer.StoreFinished(final: false);
                }

                inputs.Clear();
                fetched.Clear();

                // While rows wait in buffers, the poll must come back in time for their time rules.
                if (Fetch(HasBuffered ? TickInterval : PollTimeout) && inputBuffers is not null)
                {
                    while (inputs.Rows.Count < options.MaxBatchSize && inputs.Bytes < MaxRoundBytes && Fetch(TimeSpan.Zero))
                    {
                    }
                }

                if (fetched.Count > 0)
                {
                    await ProcessFetchedAsync(stoppingToken);
                }

                if (HasBuffered && Stopwatch.GetElapsedTime(tickedAt, now) >= TickInterval)
                {
                    tickedAt = now;
                    await TickAsync(now, stoppingToken);
                }

                if (Stopwatch.GetElapsedTime(expiredAt, now) >= LagInterval)
                {
                    expiredAt = now;
                    splits.Expire(now, run.Rejections);
                    await CloseIdleStreamsAsync(now, stoppingToken);
                }

                if (Stopwatch.GetElapsedTime(lagMeasured, now) >= LagInterval)
                {
                    UpdateLag(lag);
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
            await ShutdownAsync();
        }

        ThrowIfFailed();
    }

    /// <summary>Reads one message into <see cref="fetched"/>, or dead-letters it if it cannot be read; false when there was none.</summary>
    private bool Fetch(TimeSpan timeout)
    {
        var index = inputs.Count;
        ConsumeResult<byte[]?, RowRange>? result;
        try
        {
            result = run.Consumer.Consume(timeout);
        }
        catch (ConsumeException exception) when (exception.Error.Code is ErrorCode.Local_ValueDeserialization or ErrorCode.Local_KeyDeserialization)
        {
            var record = exception.ConsumerRecord;
            PipelinesTelemetry.Consumed.Add(1, processorTag);
            using var activity = PipelinesTelemetry.StartProcessing(options.Name, record.Message.Headers);
            var work = tracker.Rent();
            tracker.Begin(record.Partition.Value, record.Offset.Value, work);
            var reason = exception.InnerException ?? exception;
            run.Rejections.Reject(new RejectedMessage(record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value, record.Message.Headers, record.Message.Timestamp), reason, work);
            work.Finish();
            return true;
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            // librdkafka recovers from these (a broker restarting, a rebalance); the next poll goes on.
            Log.FetchFailed(logger, exception, options.Name, exception.Error.Reason);
            return false;
        }

        if (result is null || result.IsPartitionEOF)
        {
            return false;
        }

        PipelinesTelemetry.Consumed.Add(1, processorTag);
        if (result.Message.Value.IsChunk)
        {
            if (splits.Add(result, index, Begin(result), run.Rejections) is { } joined)
            {
                fetched.Add(joined);
            }

            return true;
        }

        // Registered as it is fetched: chunks of split messages are registered here too, and the tracker's commit
        // rule needs every partition's offsets in fetch order.
        fetched.Add(new Fetched(result, index, Begin(result)));
        return true;
    }

    private async ValueTask ProcessFetchedAsync(CancellationToken stoppingToken)
    {
        if (inputBuffers is null)
        {
            await ProcessDirectAsync(fetched[0], stoppingToken);
            return;
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var (result, raw, work) in fetched)
        {
            var range = result.Message.Value;
            var stream = await OpenAsync(result, now, work, stoppingToken);
            if (range.IsStreamMessage)
            {
                // Rows of the stream that arrived before this message are handled before it.
                inputBuffers.Flush(result.Partition.Value, result.Message.Key);
                await DrainInputAsync(stoppingToken);
                await HandleStreamMessageAsync(result, raw, stream, work, stoppingToken);
                work.Finish();
                continue;
            }

            // Without an input buffer every row is handled within this round, while the raw buffer still holds the value.
            var message = new InputMessage(result.Partition.Value, result.Offset.Value, result.Message.Key, flushEachRound ? null : inputs.Raw(raw), flushEachRound ? raw : -1, result.Message.Headers, result.Message.Timestamp, range.Count, work, stream);
            var bytesPerRow = range.Count == 0 ? 0 : range.Bytes / range.Count;
            for (var i = 0; i < range.Count; i++)
            {
                var row = inputs.Rows[range.Start + i];
                if (calls.Has(ProcessorFeatures.Filter) && !Admit(message, i, row))
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

        await DrainInputAsync(stoppingToken);
    }

    /// <summary>Handles each row of one message as it comes: no buffers, no allocation per message.</summary>
    private async ValueTask ProcessDirectAsync(Fetched message, CancellationToken stoppingToken)
    {
        var (result, raw, work) = message;
        var range = result.Message.Value;
        var key = result.Message.Key;
        var stream = await OpenAsync(result, Stopwatch.GetTimestamp(), work, stoppingToken);
        if (range.IsStreamMessage)
        {
            await HandleStreamMessageAsync(result, raw, stream, work, stoppingToken);
            work.Finish();
            return;
        }

        calls.Context.Fill(key, result.Message.Timestamp, result.Message.Headers, options.InputTopic, result.Partition.Value, result.Offset.Value, stream);
        using var activity = PipelinesTelemetry.StartProcessing(options.Name, result.Message.Headers);
        for (var i = 0; i < range.Count; i++)
        {
            var failure = await calls.HandleAsync(inputs.Rows[range.Start + i], stoppingToken);
            if (failure is null)
            {
                Emit(key, activity, work);
                continue;
            }

            var rejected = new RejectedMessage(result.Partition.Value, result.Offset.Value, key, null, result.Message.Headers, result.Message.Timestamp);
            run.Rejections.RejectRows(rejected, range.Count == 1 ? inputs.Raw(raw) : null, range.Count, CollectionsMarshal.AsSpan(inputs.Rows).Slice(range.Start + i, 1), i, failure, work);
        }

        work.Finish();
    }

    private Work Begin(ConsumeResult<byte[]?, RowRange> result)
    {
        var work = tracker.Rent();
        tracker.Begin(result.Partition.Value, result.Offset.Value, work);
        return work;
    }

    /// <summary>Writes what the handler returned: at once, or into the output buffers (and whatever they flush).</summary>
    private void Emit(byte[]? inputKey, Activity? activity, Work work)
    {
        var outputs = calls.Outputs;
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
                    run.Output.ProduceOutput(topic, produced[i], inputKey, activity, work);
                }
                catch (KafkaException exception)
                {
                    // The broker refused the output outright (too large, say): nothing past this input may be committed.
                    work.Fail(new ProcessorStoppedException(options.Name, calls.Context.Source, exception));
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
        DrainOutput();
    }

    private void ThrowIfFailed()
    {
        if (tracker.Failure is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>What one run of the loop owns: its consumer, and the output producer and committer that work through its clients.</summary>
    private sealed record Run(IConsumer<byte[]?, RowRange> Consumer, OutputProducer<TOut> Output, OffsetCommitter Committer, Rejections<TIn, TOut> Rejections);


}
