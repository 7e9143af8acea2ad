using System.Diagnostics;
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
internal sealed class ProcessorRunner<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(30);

    // Reading lag costs native calls and allocations: done on a clock, not per message.
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);

    // How often buffers' time rules are applied while rows wait: the resolution of Timeout and Reorder.
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(5);

    // How often windows are checked for keys gone quiet (CloseAfterIdle): the resolution of that setting.
    private static readonly TimeSpan IdleWindowsInterval = TimeSpan.FromMilliseconds(100);

    // A fetch round stops at this many value bytes, so a round of large packed messages stays bounded.
    private const int MaxRoundBytes = 4 * 1024 * 1024;

    private readonly ProcessorOptions options;
    private readonly ProcessorCalls<TIn, TOut> calls;
    private readonly ILogger logger;
    private readonly OffsetTracker tracker;
    private readonly KeyValuePair<string, object?> processorTag;
    private readonly StateDefinition? state;
    private readonly IReadOnlyList<TableDefinition> tableDefinitions;
    private readonly ProcessorStatus status;
    private readonly HashSet<TopicPartition> owned = [];
    private Run run = null!;
    private Tables tables = null!;
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
    /// <param name="status">Where the loop reports its phase, partitions, lag and turns (the host's health checks read it).</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public ProcessorRunner(ProcessorOptions options, IProcessor<TIn, TOut> processor, ILogger? logger = null, ProcessorStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processor);
        options.Validate();
        options.ValidateBuffers(TIn.Serializer.Schema, options.OutputTopic is null ? null : TOut.Serializer.Schema, processor.Features.HasFlag(ProcessorFeatures.FlushWhen));
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        this.status = status ?? new ProcessorStatus(options.Name, options.TimeProvider);
        processorTag = new(PipelinesTelemetry.ProcessorTag, options.Name);
        state = processor.State;
        tableDefinitions = processor.Tables;
        if (state?.Window is not null && processor.Features.HasFlag(ProcessorFeatures.Batches))
        {
            throw new ArgumentException($"Processor '{options.Name}': windows take their rows one at a time; this processor handles batches.", nameof(processor));
        }

        if (state is not null && options.StateTimeToLive is not null && options.StateTimeToLiveClock == StateClock.DataTime && TIn.Serializer.Schema.Timestamp is null)
        {
            throw new ArgumentException($"Processor '{options.Name}': StateTimeToLiveClock is DataTime, but its input {typeof(TIn).Name} has no [Timestamp] to measure data time by; use WallClock or add a timestamp.", nameof(options));
        }

        var table = state?.CreateTable(processor, options);
        calls = new ProcessorCalls<TIn, TOut>(processor, new RetryPolicy(options.MaxRetries, options.RetryBackoff), this.logger, options.Name, processorTag) { State = table, ProcessTags = PipelinesTelemetry.ProcessTags(options) };
        tracker = new OffsetTracker(options.Inputs, processorTag);
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, then stops fetching, flushes buffers, waits for
    /// outputs in flight, commits and leaves the group. Faults if the processor must stop: a failure under
    /// <see cref="FailurePolicy.Stop"/>, or an output or dead letter the broker would not take.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken) => Task.Run(
        async () =>
        {
            using var room = BlockingLoops.Enter();
            try
            {
                await LoopAsync(stoppingToken);
                status.Stop(null);
            }
            catch (Exception exception)
            {
                status.Stop(exception);
                throw;
            }
        },
        CancellationToken.None);

    private bool HasBuffered => run.Input.Buffered > 0 || run.Output.Buffered > 0;

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;

        // Schemas in the registry checked, and the output's registered, before a row is read: a contract that does not fit
        // stops the processor here, and writing never waits for the registry.
        var inputFormats = ContractFormat.OfInputs<TIn>(options.SchemaRegistry, options.SubjectNameStrategy);
        var outputFormat = ContractFormat.Of<TOut>(options.SchemaRegistry, options.SubjectNameStrategy);
        try
        {
            for (var input = 0; input < inputFormats.Length; input++)
            {
                await inputFormats[input].PrepareToReadAsync(options.TopicOf(input), options.Name, logger, stoppingToken);
            }

            foreach (var table in tableDefinitions)
            {
                await table.PrepareAsync(options, logger, stoppingToken);
            }

            if (options.OutputTopic is { } outputTopic)
            {
                await outputFormat.PrepareToWriteAsync(outputTopic, options.Name, logger, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        using var tables = this.tables = new Tables(tableDefinitions.Select(d => d.Open(options, logger)).ToArray());
        calls.Context.Tables = tables.Facades;
        if (tables.Readers.Length > 0)
        {
            // No row is handled before every global table holds what its topic held at start, and every partitioned one
            // knows it is co-partitioned with the input: a row must not miss its match because the table had not been read yet.
            status.Enter(ProcessorPhase.Restoring);
            try
            {
                await Task.WhenAll(tables.Readers.Select(t => t.Loaded)).WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }

        using var lag = PipelinesTelemetry.TrackLag(processorTag);
        var reader = new InputDeserializer<TIn>(options.MaxSplitMessageBytes, inputFormats, options.InputOf);
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaSettings.Producer(options)).SetLogHandler((_, message) => Log.Librdkafka(logger, message)).Build();
        using var consumer = new ConsumerBuilder<byte[]?, RowRange>(KafkaSettings.Consumer(options))
            .SetKeyDeserializer(StreamKeyDeserializer.Instance)
            .SetValueDeserializer(reader)
            .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
            .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
            .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked))
            .SetPartitionsLostHandler((_, lost) =>
            {
                Log.PartitionsLost(logger, options.Name, Named(lost.Select(p => p.TopicPartition)));
                Release(lost);
            })
            .Build();
        run = Run.Start(options, calls, tracker, reader, consumer, producer, outputFormat, logger, processorTag, status, stoppingToken);
        using var stateStage = run.State;
        var inputs = options.Inputs;
        if (inputs.Count > 1 && Pipelines.Kafka.Partitioning.CoPartitioningProblem(consumer.Handle, inputs) is { } counts)
        {
            // Its inputs share partition numbers (streams, state): a key's rows in different partition numbers would never meet.
            throw new InvalidOperationException(
                $"Processor '{options.Name}' reads several topics as one input, but {counts} partitions: a key's rows of every input must be in the same partition number. " +
                "Give the topics the same partition count (and write them with the same partitioner).");
        }

        consumer.Subscribe(inputs);
        status.Enter(ProcessorPhase.Joining);
        var lagMeasured = 0L;
        var expiredAt = 0L;
        var tickedAt = 0L;
        var idleWindowsAt = 0L;
        Log.Started(logger, options.Name, string.Join(", ", inputs), options.GroupId);
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
                if (tracker.TakeReplay() is { } failure)
                {
                    Replay(failure);
                }

                status.Turned();
                var now = Stopwatch.GetTimestamp();
                if (run.Committer.StoreDue(now))
                {
                    // With state, outputs are flushed first: a checkpoint must not cover rows whose outputs are in flight.
                    if (run.State is null || Checkpoint(null, FlushOutputs(), rewindOnFailure: true))
                    {
                        run.Committer.StoreFinished(final: false);
                    }
                }

                var fetcher = run.Fetcher;
                fetcher.BeginRound();

                // While rows wait in buffers or for another input, the poll must come back in time for them.
                if (fetcher.Fetch(HasBuffered || fetcher.IsHolding ? TickInterval : PollTimeout) && (run.Input.IsBuffered || fetcher.IsHolding))
                {
                    while (reader.Rows.Count < options.MaxBatchSize && reader.Bytes < MaxRoundBytes && fetcher.Fetch(TimeSpan.Zero))
                    {
                    }
                }

                fetcher.Align(Stopwatch.GetTimestamp());
                if (fetcher.Round.Count > 0)
                {
                    await HandleRoundAsync(stoppingToken);
                }

                if (HasBuffered && Stopwatch.GetElapsedTime(tickedAt, now) >= TickInterval)
                {
                    tickedAt = now;
                    var clock = options.TimeProvider.GetTimestamp();
                    await run.Input.TickAsync(clock, stoppingToken);
                    run.Output.Tick(clock);
                }

                if (run.State?.Table is Pipelines.Windows.WindowTable<TIn, TOut> windows && Stopwatch.GetElapsedTime(idleWindowsAt, now) >= IdleWindowsInterval)
                {
                    idleWindowsAt = now;
                    CloseIdleWindows(windows);
                }

                if (Stopwatch.GetElapsedTime(expiredAt, now) >= LagInterval)
                {
                    expiredAt = now;
                    fetcher.ExpireSplits(now);
                    await CloseIdleStreamsAsync(options.TimeProvider.GetTimestamp(), stoppingToken);
                }

                if (Stopwatch.GetElapsedTime(lagMeasured, now) >= LagInterval)
                {
                    var measured = fetcher.MeasureLag();
                    Interlocked.Exchange(ref lag.Value, measured);
                    status.Measured(measured);
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

    /// <summary>Every message of the round, in fetch order: its stream opened, then its rows taken, or what it says of its stream done.</summary>
    private async ValueTask HandleRoundAsync(CancellationToken stoppingToken)
    {
        // Buffers' and streams' time rules run on the processor's clock, which a test may move.
        var now = options.TimeProvider.GetTimestamp();
        var round = run.Fetcher.Round;
        for (var i = 0; i < round.Count; i++)
        {
            var message = round[i];
            await run.Streams.OpenAsync(message, now, stoppingToken);
            if (!message.Rows.IsStreamMessage)
            {
                await run.Input.TakeAsync(message, now, stoppingToken);
                continue;
            }

            // Rows of the stream that arrived before this message are handled before it.
            await run.Input.FlushStreamAsync(message.Partition, message.Key, stoppingToken);
            await run.Streams.HandleAsync(message, stoppingToken);
            message.Work.Finish();
        }

        await run.Input.DrainAsync(roundEnded: true, stoppingToken);
    }

    private async ValueTask CloseIdleStreamsAsync(long now, CancellationToken stoppingToken)
    {
        if (options.StreamIdleTimeout is not { } timeout || run.Streams.Count == 0)
        {
            return;
        }

        foreach (var (key, stream) in run.Streams.TakeIdle(now, timeout))
        {
            // Rows still buffered were sent before the stream went quiet: they go first.
            await run.Input.FlushStreamAsync(stream.Partition, key, stoppingToken);
            await run.Streams.CloseIdleAsync(key, stream, stoppingToken);
        }
    }

    /// <summary>Closes the windows of keys quiet for their CloseAfterIdle, writing each key's results (or dead-lettering what failed to emit).</summary>
    private void CloseIdleWindows(Pipelines.Windows.WindowTable<TIn, TOut> windows) =>
        windows.CloseIdle(calls.Outputs, (_, key) =>
        {
            var work = tracker.Chain([]);
            run.Output.Emit(key, null, work);
            if (windows.Failures.Count > 0)
            {
                run.Rejections.RejectWindows(windows.Failures, work);
            }

            work.Finish();
        });

    private void OnAssigned(List<TopicPartition> assigned)
    {
        // Under the cooperative protocol only the partitions gained are handed over; the others stay as they were.
        owned.UnionWith(assigned);
        status.Assigned(owned.Count);
        Log.PartitionsAssigned(logger, options.Name, Named(assigned), owned.Count);
        var partitions = Numbers(assigned);
        if (run.State is not null || tables.Partitioned.Length > 0)
        {
            status.Enter(ProcessorPhase.Restoring);
        }

        // Tables load on their own threads while state restores on this one; the partitions' rows wait for both.
        var loads = Task.WhenAll(tables.Partitioned.Select(t => t.Assign(partitions)));
        run.State?.Assign(partitions);
        loads.WaitAsync(stopping).GetAwaiter().GetResult();

        status.Enter(ProcessorPhase.Running);
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        status.Enter(ProcessorPhase.Joining);
        if (closing)
        {
            // Called from Close: the stop already flushed and made its final commit. A synchronous commit from here
            // can wait forever in librdkafka (seen when earlier commits failed: the group is already terminating),
            // and librdkafka's own commit at unassign covers anything stored since.
            Release(revoked);
            Log.PartitionsRevoked(logger, options.Name, Named(revoked.Select(p => p.TopicPartition)), owned.Count);
            return;
        }

        // Buffered rows of revoked partitions are handled now, and every output acknowledged and committed, before
        // another instance takes over: it starts after them, so nothing is handled or written twice. Rows fetched
        // but not yet buffered are left to that instance. This runs inside Consume, on the loop's own thread, so
        // waiting for the handler here blocks nothing else.
        if (tracker.StopReason is null)
        {
            Predicate<int> partitions = partition => revoked.Exists(p => p.Partition.Value == partition);
            run.Input.FlushAsync(partitions, stopping).AsTask().GetAwaiter().GetResult();
            run.Streams.RevokeAsync(partitions).AsTask().GetAwaiter().GetResult();
            run.Output.FlushBuffers();
        }

        var unflushed = run.Output.Producer.Flush(ShutdownFlushTimeout);
        if (Checkpoint(Numbers(revoked.Select(p => p.TopicPartition)), unflushed))
        {
            run.Committer.StoreFinished(final: true);
        }

        Release(revoked);
        Log.PartitionsRevoked(logger, options.Name, Named(revoked.Select(p => p.TopicPartition)), owned.Count);
    }

    /// <summary>
    /// Writes what keyed state gained since the last checkpoint to its changelog and store, once every output so far
    /// was acknowledged (<paramref name="unflushed"/>: how many were not, after the caller's flush); done before
    /// offsets are stored, so a committed offset never runs ahead of the state. False when it could not be done:
    /// offsets must then not be stored (their rows are handled again, their state intact). A changelog write that failed
    /// for a passing reason loses the changes taken for it from the cache's account: with
    /// <paramref name="rewindOnFailure"/> their partitions are read again from their last checkpoint; otherwise (a
    /// hand-over, a stop) they are about to be dropped anyway.
    /// </summary>
    private bool Checkpoint(IEnumerable<int>? partitions, int unflushed, bool rewindOnFailure = false)
    {
        if (run.State is not { } stateStage)
        {
            return true;
        }

        // Outputs still in flight or buffered (a flush that failed), or one that failed and must be written again: the
        // state of their rows waits for a later checkpoint.
        if (tracker.StopReason is not null || tracker.HasReplay || unflushed > 0 || run.Output.Buffered > 0)
        {
            return false;
        }

        var checkpointed = (partitions ?? stateStage.Table.Partitions).ToList();
        try
        {
            stateStage.Checkpoint(checkpointed);
            return true;
        }
        catch (KafkaException exception) when (DeliveryErrors.IsPassing(exception.Error))
        {
            if (rewindOnFailure)
            {
                Replay(checkpointed, exception);
            }

            return false;
        }
        catch (KafkaException exception)
        {
            // Taken changes that did not reach the changelog are lost from the cache's account: only a restart, which
            // restores the changelog and handles their rows again, puts state and input back in agreement.
            tracker.Stop(new ProcessorStoppedException(options.Name, new TopicPartitionOffset(stateStage.ChangelogTopic, Partition.Any, Offset.Unset), exception));
            return false;
        }
    }

    /// <summary>Writes the output buffers and waits for every output in flight; returns how many were not acknowledged.</summary>
    private int FlushOutputs()
    {
        run.Output.FlushBuffers();
        return run.Output.Producer.Flush(ShutdownFlushTimeout);
    }

    /// <summary>Forgets partitions this instance no longer owns: handed over (after their checkpoint) or lost (their new owner reads their rows again).</summary>
    private void Release(List<TopicPartitionOffset> partitions)
    {
        owned.ExceptWith(partitions.Select(p => p.TopicPartition));
        status.Assigned(owned.Count);
        var numbers = Numbers(partitions.Select(p => p.TopicPartition));
        Drop(numbers);
        foreach (var table in tables.Partitioned)
        {
            table.Revoke(numbers);
        }
    }

    /// <summary>
    /// Forgets all this instance holds of <paramref name="numbers"/> but their tables: rows fetched, buffered or waiting,
    /// streams, offsets not yet committed, and whatever their state gained since the last checkpoint.
    /// </summary>
    private void Drop(List<int> numbers)
    {
        Predicate<int> partitions = numbers.Contains;
        run.Input.Drop(partitions);
        run.Fetcher.Drop(partitions);
        run.Streams.Drop(partitions);
        tracker.Forget(options.Inputs.SelectMany(topic => numbers.Select(number => new TopicPartition(topic, number))));
        run.State?.Close(numbers);
    }

    /// <summary>
    /// Reads the partitions of works that <paramref name="failure"/> and others like it failed (an output or dead letter
    /// that could not be written, for a reason that may pass) again, as if this instance had just been given them.
    /// </summary>
    private void Replay(Exception failure)
    {
        if (tracker.TakeReplayPartitions() is { Count: > 0 } numbers)
        {
            Replay(numbers, failure);
        }
    }

    /// <summary>
    /// Reads <paramref name="numbers"/> again as if this instance had just been given them: their rows in flight are
    /// dropped, their state goes back to its last checkpoint, and each input is read again from just after its last
    /// message taken as committable. Nothing past a failed message was committed, so nothing is lost; rows between the
    /// two are handled again (at least once).
    /// </summary>
    private void Replay(List<int> numbers, Exception failure)
    {
        var resume = tracker.ResumeOffsets(numbers);
        Log.Replaying(logger, options.Name, failure.Message, string.Join(", ", resume.Select(p => $"{p.Topic} [{p.Partition.Value}] @{p.Offset.Value}")));
        Drop(numbers);
        run.State?.Assign(numbers);
        try
        {
            foreach (var offset in resume)
            {
                run.Consumer.Seek(offset);
            }
        }
        catch (KafkaException exception)
        {
            // Rows the consumer fetched past the failed ones would be read on: only a restart, from the last commit, reads them again.
            tracker.Stop(new ProcessorStoppedException(options.Name, resume[0], exception));
        }
    }

    /// <summary>The partition numbers of <paramref name="partitions"/>: with several inputs, partition p of each is one number, one state and one table partition.</summary>
    private static List<int> Numbers(IEnumerable<TopicPartition> partitions) => partitions.Select(p => p.Partition.Value).Distinct().ToList();

    /// <summary>Partition numbers as a log shows them: "[0, 3, 5]".</summary>
    private static string Named(IEnumerable<TopicPartition> partitions) => $"[{string.Join(", ", partitions.Select(p => p.Partition.Value).Distinct().Order())}]";

    private async ValueTask ShutdownAsync()
    {
        try
        {
            if (tracker.StopReason is null)
            {
                try
                {
                    // Buffered rows are in-flight work: handled to the end (the stop was already signalled, so handlers
                    // get a token that is not cancelled), then written, so the final commit covers them.
                    await run.Input.FlushAsync(null, CancellationToken.None);
                    await run.Streams.RevokeAsync(_ => true);
                    run.Output.FlushBuffers();
                }
                catch (Exception exception)
                {
                    Log.ShutdownFlushFailed(logger, exception, options.Name);
                }
            }

            var unflushed = run.Output.Producer.Flush(ShutdownFlushTimeout);
            if (unflushed > 0)
            {
                Log.StoppedUnacknowledged(logger, options.Name, unflushed);
            }

            if (Checkpoint(null, unflushed))
            {
                run.Committer.StoreFinished(final: true);
            }
        }
        finally
        {
            // Whatever happened above, the group is left and the client released; the producer is disposed by the loop.
            try
            {
                closing = true;
                run.Consumer.Close();
            }
            catch (KafkaException exception)
            {
                Log.CloseFailed(logger, options.Name, exception.Error.Reason);
            }
        }

        Log.Stopped(logger, options.Name);
    }

    private void ThrowIfFailed()
    {
        if (tracker.StopReason is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// The parts of one run, each owning its state, wired to that run's consumer and producer: fetching, the input
    /// stage, stream lifecycle, the output stage, stops and commits.
    /// </summary>
    private sealed record Run(
        IConsumer<byte[]?, RowRange> Consumer,
        InputFetcher<TIn, TOut> Fetcher,
        InputStage<TIn, TOut> Input,
        StreamStage<TIn, TOut> Streams,
        OutputStage<TOut> Output,
        Rejections<TIn, TOut> Rejections,
        OffsetCommitter Committer,
        Pipelines.State.StateStage? State)
    {
        public static Run Start(
            ProcessorOptions options,
            ProcessorCalls<TIn, TOut> calls,
            OffsetTracker tracker,
            InputDeserializer<TIn> reader,
            IConsumer<byte[]?, RowRange> consumer,
            IProducer<byte[]?, byte[]?> producer,
            ContractFormat<TOut> outputFormat,
            ILogger logger,
            KeyValuePair<string, object?> processorTag,
            ProcessorStatus status,
            CancellationToken stopping)
        {
            var produced = new OutputProducer<TOut>(producer, outputFormat, options.MaxMessageBytes);
            var rejections = new Rejections<TIn, TOut>(options, reader, produced, logger, processorTag);
            var output = new OutputStage<TOut>(options, produced, calls.Outputs, calls.Context, tracker);
            return new Run(
                consumer,
                new InputFetcher<TIn, TOut>(options, consumer, reader, tracker, rejections, logger, processorTag, stopping),
                new InputStage<TIn, TOut>(options, calls, reader, output, rejections, tracker, logger),
                new StreamStage<TIn, TOut>(options, calls, reader, output, rejections, tracker),
                output,
                rejections,
                new OffsetCommitter(tracker, new ConsumerOffsets<RowRange>(consumer), options.Name, options.CommitEvery, logger, processorTag)
                {
                    StoreInterval = calls.State is null ? OffsetCommitter.DefaultStoreInterval : options.CommitInterval,
                },
                calls.State is { } table ? new Pipelines.State.StateStage(options, table, producer, logger, processorTag, status) : null);
        }
    }

    /// <summary>The run's table readers, disposed (their threads stopped) when the loop ends.</summary>
    private sealed class Tables(Pipelines.Tables.TableReader[] readers) : IDisposable
    {
        public Pipelines.Tables.TableReader[] Readers => readers;

        public object[] Facades { get; } = readers.Select(r => r.Facade).ToArray();

        /// <summary>The tables that hold only the assigned partitions, loaded and forgotten as partitions come and go.</summary>
        public Pipelines.Tables.TableReader[] Partitioned { get; } = readers.Where(r => r.IsPartitioned).ToArray();

        public void Dispose()
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }
}
