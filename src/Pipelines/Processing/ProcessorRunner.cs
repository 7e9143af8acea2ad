using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// The processing loop of one processor instance: consume, deserialize, handle, serialize, produce; at least
/// once. An input offset is stored for commit only after its handler finished and its outputs (or its dead
/// letter) were acknowledged by the broker, in offset order per partition; stored offsets are committed every
/// <see cref="ProcessorOptions.CommitInterval"/> or <see cref="ProcessorOptions.CommitEvery"/> messages, when
/// partitions are revoked and on shutdown.
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

    private readonly ProcessorOptions options;
    private readonly ProcessorHandler<TIn, TOut> handler;
    private readonly bool handlesBatches;
    private readonly ILogger logger;
    private readonly OffsetTracker tracker;
    private readonly StreamContext context = new();
    private readonly InputDeserializer<TIn> inputs = new();
    private readonly Outputs<TOut> outputs = new();
    private readonly List<Fetched> fetched = [];
    private readonly List<TIn> rows = [];
    private readonly Batches batches = new();
    private readonly List<Work> works = [];
    private readonly List<TopicPartitionOffset> committable = [];
    private readonly KeyValuePair<string, object?> processorTag;
    private long storedAt;
    private int storedSinceCommit;

    /// <summary>Creates the loop over a handler of single rows; <see cref="RunAsync"/> starts it.</summary>
    public ProcessorRunner(ProcessorOptions options, RowHandler<TIn, TOut> handler, ILogger? logger = null)
        : this(options, Adapt(handler), handlesBatches: false, logger)
    {
    }

    /// <summary>
    /// Creates the loop; <see cref="RunAsync"/> starts it. A batch handler receives, per call, the rows of one
    /// partition and stream key that were already fetched (up to <see cref="ProcessorOptions.MaxBatchSize"/>);
    /// it never waits for a batch to fill. Otherwise every call carries one row.
    /// </summary>
    public ProcessorRunner(ProcessorOptions options, ProcessorHandler<TIn, TOut> handler, bool handlesBatches, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        this.options = options;
        this.handler = handler;
        this.handlesBatches = handlesBatches;
        this.logger = logger ?? NullLogger.Instance;
        processorTag = new(PipelinesTelemetry.ProcessorTag, options.Name);
        tracker = new OffsetTracker(options.InputTopic, processorTag);
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, then stops fetching, waits for outputs in
    /// flight, commits and leaves the group. Faults if the processor must stop: a failure under
    /// <see cref="FailurePolicy.Stop"/>, or an output or dead letter the broker would not take.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken) => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None);

    private static ProcessorHandler<TIn, TOut> Adapt(RowHandler<TIn, TOut> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (rows, outputs, context, cancellationToken) => outputs.Add(handler(rows[0], context, cancellationToken));
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var lag = PipelinesTelemetry.TrackLag(processorTag);
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaSettings.Producer(options)).SetLogHandler((_, message) => Log(message)).Build();
        var output = new OutputProducer<TOut>(producer);
        using var consumer = new ConsumerBuilder<byte[]?, TIn>(KafkaSettings.Consumer(options))
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
                if (Fetch(consumer, output, PollTimeout) && handlesBatches)
                {
                    while (fetched.Count < options.MaxBatchSize && Fetch(consumer, output, TimeSpan.Zero))
                    {
                    }
                }

                if (fetched.Count > 0)
                {
                    await ProcessFetchedAsync(output, stoppingToken);
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
            Shutdown(consumer, output);
        }

        ThrowIfFailed();
    }

    /// <summary>Reads one message into <see cref="fetched"/>, or dead-letters it if it cannot be read; false when there was none.</summary>
    private bool Fetch(IConsumer<byte[]?, TIn> consumer, OutputProducer<TOut> output, TimeSpan timeout)
    {
        var index = inputs.Count;
        ConsumeResult<byte[]?, TIn>? result;
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
        fetched.Add(new Fetched(result, index));
        return true;
    }

    private async ValueTask ProcessFetchedAsync(OutputProducer<TOut> output, CancellationToken stoppingToken)
    {
        if (!handlesBatches)
        {
            var work = tracker.Rent();
            var result = fetched[0].Result;
            tracker.Begin(result.Partition.Value, result.Offset.Value, work);
            await ProcessAsync(output, fetched, 0, 1, work, stoppingToken);
            return;
        }

        // Rows of one partition and stream key, in offset order, form one call: the stream keeps its order.
        // The tracker learns every message in fetch order first: its commit rule relies on offset order.
        batches.Group(fetched);
        works.Clear();
        for (var run = 0; run < batches.Count; run++)
        {
            works.Add(tracker.Rent());
        }

        for (var i = 0; i < fetched.Count; i++)
        {
            var result = fetched[i].Result;
            tracker.Begin(result.Partition.Value, result.Offset.Value, works[batches.RunOf(i)]);
        }

        for (var run = 0; run < batches.Count; run++)
        {
            var (start, count) = batches[run];
            await ProcessAsync(output, batches.Ordered, start, count, works[run], stoppingToken);
        }
    }

    private async ValueTask ProcessAsync(OutputProducer<TOut> output, List<Fetched> members, int start, int count, Work work, CancellationToken stoppingToken)
    {
        var first = members[start].Result;
        var key = first.Message.Key;
        rows.Clear();
        for (var i = start; i < start + count; i++)
        {
            rows.Add(members[i].Result.Message.Value);
        }

        context.Fill(key, first.Message.Timestamp, first.Message.Headers, options.InputTopic, first.Partition.Value, first.Offset.Value);
        using var activity = PipelinesTelemetry.StartProcessing(options.Name, first.Message.Headers);
        // Timing costs two clock reads a message; skip it when nothing listens to the histogram.
        var started = PipelinesTelemetry.HandlerDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        var failure = await HandleAsync(stoppingToken);
        if (started != 0)
        {
            PipelinesTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, processorTag);
        }
        if (failure is not null)
        {
            for (var i = start; i < start + count; i++)
            {
                var (result, raw) = members[i];
                var message = result.Message;
                Reject(new Rejected(result.Partition.Value, result.Offset.Value, message.Key, inputs.Raw(raw), message.Headers, message.Timestamp), failure, work, output);
            }
        }
        else if (options.OutputTopic is { } topic)
        {
            var produced = outputs.Rows;
            for (var i = 0; i < produced.Count; i++)
            {
                try
                {
                    output.ProduceOutput(topic, produced[i], key, activity, work);
                }
                catch (KafkaException exception)
                {
                    // The broker refused the output outright (too large, say): nothing past this input may be committed.
                    work.Fail(new ProcessorStoppedException(options.Name, context.Source, exception));
                    break;
                }
            }
        }

        outputs.Clear();
        work.Finish();
    }

    private async ValueTask<Exception?> HandleAsync(CancellationToken stoppingToken)
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

                var delay = TimeSpan.FromTicks(Math.Min(options.RetryBackoff.Ticks << Math.Min(attempt, 20), MaxBackoff.Ticks));
                logger.LogWarning(exception, "Processor {Processor} failed on {Source} (attempt {Attempt} of {Attempts}); retrying in {Delay}", options.Name, context.Source, attempt + 1, options.MaxRetries + 1, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private void Reject(in Rejected message, Exception exception, Work work, OutputProducer<TOut> output)
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
                work.CountAsDeadLetters();
                try
                {
                    output.Produce(options.EffectiveDeadLetterTopic, message.Key, message.Value, DeadLetterHeaders.Create(message.Headers, options.Name, source, exception), message.Timestamp, work);
                }
                catch (KafkaException refused)
                {
                    work.Fail(new ProcessorStoppedException(options.Name, source, refused));
                }

                break;
        }
    }

    private static void UpdateLag(IConsumer<byte[]?, TIn> consumer, PipelinesTelemetry.LagSource lag)
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

    private void StoreFinished(IConsumer<byte[]?, TIn> consumer, bool commit)
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

    private void OnRevoked(IConsumer<byte[]?, TIn> consumer, OutputProducer<TOut> output, List<TopicPartitionOffset> revoked)
    {
        // Outputs of revoked partitions must be acknowledged and their offsets committed before another instance
        // takes over; rows fetched from them but not yet handled are left to that instance.
        output.Flush(ShutdownFlushTimeout);
        StoreFinished(consumer, commit: true);
        OnLost(revoked);
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        tracker.Forget(lost.Select(p => p.TopicPartition));
        fetched.RemoveAll(f => lost.Exists(p => p.Partition == f.Result.Partition));
    }

    private void Shutdown(IConsumer<byte[]?, TIn> consumer, OutputProducer<TOut> output)
    {
        var unflushed = output.Flush(ShutdownFlushTimeout);
        if (unflushed > 0)
        {
            logger.LogError("Processor {Processor} stopped with {Count} outputs unacknowledged; their inputs stay uncommitted", options.Name, unflushed);
        }

        StoreFinished(consumer, commit: true);
        consumer.Close();
        logger.LogInformation("Processor {Processor} stopped", options.Name);
    }

    private void CommitStored(IConsumer<byte[]?, TIn> consumer)
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

    /// <summary>A fetched message and where its raw bytes are kept.</summary>
    private readonly record struct Fetched(ConsumeResult<byte[]?, TIn> Result, int Raw);

    /// <summary>A message to dead-letter, skip or stop on.</summary>
    private readonly record struct Rejected(int Partition, long Offset, byte[]? Key, byte[]? Value, Headers? Headers, Timestamp Timestamp);

    /// <summary>Orders fetched messages into runs of one partition and stream key, keeping offset order within each.</summary>
    private sealed class Batches
    {
        private readonly Dictionary<(int Partition, byte[]? Key), int> runOf = new(RunKeyComparer.Instance);
        private readonly List<(int Start, int Count)> runs = [];
        private readonly List<int> runOfMessage = [];
        private readonly List<int> filled = [];

        public List<Fetched> Ordered { get; } = [];

        public int Count => runs.Count;

        public (int Start, int Count) this[int index] => runs[index];

        /// <summary>The run of the <paramref name="index"/>-th fetched message.</summary>
        public int RunOf(int index) => runOfMessage[index];

        public void Group(List<Fetched> fetched)
        {
            runOf.Clear();
            runs.Clear();
            runOfMessage.Clear();
            foreach (var (result, _) in fetched)
            {
                if (!runOf.TryGetValue((result.Partition.Value, result.Message.Key), out var run))
                {
                    runOf[(result.Partition.Value, result.Message.Key)] = run = runs.Count;
                    runs.Add((0, 0));
                }

                runs[run] = (0, runs[run].Count + 1);
                runOfMessage.Add(run);
            }

            // Runs in order of their first message; within a run, fetch order, which is offset order.
            var next = 0;
            for (var run = 0; run < runs.Count; run++)
            {
                runs[run] = (next, runs[run].Count);
                next += runs[run].Count;
            }

            Ordered.Clear();
            Ordered.AddRange(fetched);
            filled.Clear();
            filled.AddRange(Enumerable.Repeat(0, runs.Count));
            for (var i = 0; i < fetched.Count; i++)
            {
                var run = runOfMessage[i];
                Ordered[runs[run].Start + filled[run]] = fetched[i];
                filled[run]++;
            }
        }
    }

    /// <summary>Keys are usually shared arrays, so most comparisons end at the reference check.</summary>
    private sealed class RunKeyComparer : IEqualityComparer<(int Partition, byte[]? Key)>
    {
        public static RunKeyComparer Instance { get; } = new();

        public bool Equals((int Partition, byte[]? Key) x, (int Partition, byte[]? Key) y) =>
            x.Partition == y.Partition && (ReferenceEquals(x.Key, y.Key) || (x.Key is not null && y.Key is not null && x.Key.AsSpan().SequenceEqual(y.Key)));

        public int GetHashCode((int Partition, byte[]? Key) run)
        {
            var hash = new HashCode();
            hash.Add(run.Partition);
            hash.AddBytes(run.Key);
            return hash.ToHashCode();
        }
    }
}
