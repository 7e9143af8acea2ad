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
public sealed partial class ProcessorRunner<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(30);

    // A commit at a hand-over or a stop is tried this often, waiting 100 ms, 200, 400, 800 between: at most 1.5 s.
    private const int FinalCommitAttempts = 5;
    private static readonly TimeSpan CommitRetryBackoff = TimeSpan.FromMilliseconds(100);

    // Storing an offset and reading lag cost native calls and allocations: done on a clock, not per message.
    private static readonly TimeSpan StoreInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);

    // How often buffers' time rules are applied while rows wait: the resolution of Timeout and Reorder.
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(5);

    // A fetch round stops at this many raw bytes, so a round of large packed messages stays bounded.
    private const int MaxRoundBytes = 4 * 1024 * 1024;

    private readonly ProcessorOptions options;
    private readonly IProcessor<TIn, TOut> processor;
    private readonly ProcessorFeatures features;
    private readonly bool handlesBatches;
    private readonly ILogger logger;
    private readonly OffsetTracker tracker;
    private readonly StreamContext context = new();
    private readonly InputDeserializer<TIn> inputs;
    private readonly Outputs<TOut> outputs = new();
    private readonly List<Fetched> fetched = [];

    // The processor calls RetryAsync repeats, as delegates made once, over the row, rows or event of the current call.
    private readonly Func<CancellationToken, ValueTask> callRow;
    private readonly Func<CancellationToken, ValueTask> callRows;
    private readonly Func<CancellationToken, ValueTask> callEvent;
    private TIn currentRow = default!;
    private IReadOnlyList<TIn> currentRows = null!;
    private StreamEvent currentEvent = null!;
    private readonly List<TopicPartitionOffset> committable = [];
    private readonly KeyValuePair<string, object?> processorTag;

    // Set when rows go through per-stream buffers (a batch handler, or an input buffer); otherwise each row of a
    // message is handled as it comes, the fastest path.
    private readonly RowBuffers<TIn>? inputBuffers;
    private readonly bool flushEachRound;
    private readonly RowBuffers<TOut>? outputBuffers;
    private readonly Reassembler reassembler;
    private readonly StreamTracker streams = new();
    private readonly Headers streamHeaders = new();
    private long expiredAt;
    private long outputBytesPerRow;
    private long storedAt;
    private long tickedAt;
    private int storedSinceCommit;
    private CancellationToken stopping;

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
        features = processor.Features;
        options.Validate();
        options.ValidateBuffers(TIn.Serializer.Schema, options.OutputTopic is null ? null : TOut.Serializer.Schema, features.HasFlag(ProcessorFeatures.FlushWhen));
        this.options = options;
        this.processor = processor;
        callRow = token => processor.HandleAsync(currentRow, outputs, context, token);
        callRows = token => processor.HandleAsync(currentRows, outputs, context, token);
        callEvent = token => processor.HandleEventAsync(currentEvent, outputs, context, token);
        handlesBatches = features.HasFlag(ProcessorFeatures.Batches);
        this.logger = logger ?? NullLogger.Instance;
        inputs = new InputDeserializer<TIn>(options.MaxSplitMessageBytes);
        reassembler = new Reassembler(options.MaxSplitMessageBytes);
        processorTag = new(PipelinesTelemetry.ProcessorTag, options.Name);
        tracker = new OffsetTracker(options.InputTopic, processorTag);
        if (options.InputBuffer is { } inputBuffer)
        {
            inputBuffers = new RowBuffers<TIn>(inputBuffer, features.HasFlag(ProcessorFeatures.FlushWhen) ? processor.ShouldFlush : null, OnFlushWhenFailed);
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

        // Registered as it is fetched: chunks of split messages are registered here too, and the tracker's commit
        // rule needs every partition's offsets in fetch order.
        fetched.Add(new Fetched(result, index, Begin(result)));
        return true;
    }

    private async ValueTask ProcessFetchedAsync(OutputProducer<TOut> output, CancellationToken stoppingToken)
    {
        if (inputBuffers is null)
        {
            await ProcessDirectAsync(output, fetched[0], stoppingToken);
            return;
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var (result, raw, work) in fetched)
        {
            var range = result.Message.Value;
            var stream = await OpenAsync(result, now, work, output, stoppingToken);
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
                if (features.HasFlag(ProcessorFeatures.Filter) && !Admit(message, i, row, output))
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
        var (result, raw, work) = message;
        var range = result.Message.Value;
        var key = result.Message.Key;
        var stream = await OpenAsync(result, Stopwatch.GetTimestamp(), work, output, stoppingToken);
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
            var failure = await HandleAsync(inputs.Rows[range.Start + i], stoppingToken);
            if (failure is null)
            {
                Emit(output, key, activity, work);
                continue;
            }

            var rejected = new Rejected(result.Partition.Value, result.Offset.Value, key, null, result.Message.Headers, result.Message.Timestamp);
            RejectRows(rejected, range.Count == 1 ? inputs.Raw(raw) : null, range.Count, CollectionsMarshal.AsSpan(inputs.Rows).Slice(range.Start + i, 1), i, failure, work, output);
        }

        work.Finish();
    }

    private Work Begin(ConsumeResult<byte[]?, RowRange> result)
    {
        var work = tracker.Rent();
        tracker.Begin(result.Partition.Value, result.Offset.Value, work);
        return work;
    }

    private TimeSpan Backoff(int attempt) => TimeSpan.FromTicks(Math.Min(options.RetryBackoff.Ticks << Math.Min(attempt, 20), MaxBackoff.Ticks));

    /// <summary>Hands one row to the processor, with retries; returns the failure that outlasted them.</summary>
    private async ValueTask<Exception?> HandleAsync(TIn row, CancellationToken stoppingToken)
    {
        if (!features.HasFlag(ProcessorFeatures.Rows))
        {
            return null; // a processor of events alone: its topic's rows are not its concern
        }

        currentRow = row;
        try
        {
            return await TimedRetryAsync(callRow, stoppingToken);
        }
        finally
        {
            currentRow = default!;
        }
    }

    /// <summary>Hands rows of one stream to the processor in one call, with retries; returns the failure that outlasted them.</summary>
    private async ValueTask<Exception?> HandleAsync(IReadOnlyList<TIn> rows, CancellationToken stoppingToken)
    {
        currentRows = rows;
        try
        {
            return await TimedRetryAsync(callRows, stoppingToken);
        }
        finally
        {
            currentRows = null!;
        }
    }

    private async ValueTask<Exception?> TimedRetryAsync(Func<CancellationToken, ValueTask> call, CancellationToken stoppingToken)
    {
        // Timing costs two clock reads a call; skip it when nothing listens to the histogram.
        var started = PipelinesTelemetry.HandlerDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        try
        {
            return await RetryAsync(call, stoppingToken);
        }
        finally
        {
            if (started != 0)
            {
                PipelinesTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, processorTag);
            }
        }
    }

    /// <summary>
    /// Calls a handler until it succeeds or <see cref="ProcessorOptions.MaxRetries"/> retries with backoff have failed;
    /// returns the failure that outlasted them. Outputs of failed attempts are discarded.
    /// </summary>
    private async ValueTask<Exception?> RetryAsync(Func<CancellationToken, ValueTask> call, CancellationToken stoppingToken)
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

                var delay = Backoff(attempt);
                logger.LogWarning(exception, "Processor {Processor} failed on {Source} (attempt {Attempt} of {Attempts}); retrying in {Delay}", options.Name, context.Source, attempt + 1, options.MaxRetries + 1, delay);
                await Task.Delay(delay, stoppingToken);
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

    /// <summary>A fetched message, where its raw bytes are kept, and its work (for a message joined from chunks, the work that holds them).</summary>
    private readonly record struct Fetched(ConsumeResult<byte[]?, RowRange> Result, int Raw, Work Work);

    /// <summary>A message to dead-letter, skip or stop on.</summary>
    private readonly record struct Rejected(int Partition, long Offset, byte[]? Key, byte[]? Value, Headers? Headers, Timestamp Timestamp);
}
