using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipelines.Processing;

/// <summary>
/// The processing loop of one processor instance: consume, deserialize, handle, serialize, produce; at least
/// once. An input offset is stored for commit only after its handler finished and its output (or its
/// dead letter) was acknowledged by the broker, in offset order per partition; stored offsets are committed
/// every <see cref="ProcessorOptions.CommitInterval"/>, when partitions are revoked and on shutdown.
/// </summary>
public sealed class ProcessorRunner<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(30);

    // Lag costs an allocation and two native calls per partition: measured once a second, not once a message.
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);
    private static readonly byte[] ContentType = Encoding.UTF8.GetBytes("application/msgpack");

    private readonly ProcessorOptions options;
    private readonly RowHandler<TIn, TOut> handler;
    private readonly ILogger logger;
    private readonly OffsetTracker tracker = new();
    private readonly StreamContext context = new();
    private readonly byte[] schemaName = Encoding.UTF8.GetBytes(TOut.Serializer.Schema.Name);
    private readonly byte[] fingerprint = Encoding.UTF8.GetBytes(TOut.Serializer.Schema.Fingerprint);
    private readonly KeyValuePair<string, object?> processorTag;

    /// <summary>Creates the loop; <see cref="RunAsync"/> starts it.</summary>
    public ProcessorRunner(ProcessorOptions options, RowHandler<TIn, TOut> handler, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        this.options = options;
        this.handler = handler;
        this.logger = logger ?? NullLogger.Instance;
        processorTag = new(PipelinesTelemetry.ProcessorTag, options.Name);
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, then stops fetching, waits for outputs in
    /// flight, commits and leaves the group. Faults if the processor must stop: a failure under
    /// <see cref="FailurePolicy.Stop"/>, or an output or dead letter the broker would not take.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken) => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None);

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var lag = PipelinesTelemetry.TrackLag(processorTag);
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ProducerConfig()).SetLogHandler((_, message) => Log(message)).Build();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ConsumerConfig())
            .SetLogHandler((_, message) => Log(message))
            .SetPartitionsRevokedHandler((c, revoked) => OnRevoked(c, producer, revoked))
            .SetPartitionsLostHandler((_, lost) => tracker.Forget(lost.Select(p => p.TopicPartition)))
            .Build();
        consumer.Subscribe(options.InputTopic);
        var lagMeasured = 0L;
        logger.LogInformation("Processor {Processor} reads {Input} in group {Group}", options.Name, options.InputTopic, options.GroupId);

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ThrowIfFailed();
                StoreFinished(consumer);
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException exception) when (!exception.Error.IsFatal)
                {
                    // librdkafka recovers from these (a broker restarting, a rebalance); the next poll goes on.
                    logger.LogWarning(exception, "Processor {Processor} could not fetch: {Reason}", options.Name, exception.Error.Reason);
                    continue;
                }

                if (result is not null && !result.IsPartitionEOF)
                {
                    await ProcessAsync(result, producer, stoppingToken);
                }

                if (Stopwatch.GetElapsedTime(lagMeasured) >= LagInterval)
                {
                    UpdateLag(consumer, lag);
                    lagMeasured = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A handler saw the stop; its message stays uncommitted and is processed again after restart.
        }
        finally
        {
            Shutdown(consumer, producer);
        }

        ThrowIfFailed();
    }

    private async ValueTask ProcessAsync(ConsumeResult<byte[]?, byte[]?> result, IProducer<byte[]?, byte[]?> producer, CancellationToken stoppingToken)
    {
        var completion = tracker.Begin(result.TopicPartitionOffset);
        var message = result.Message;
        context.Fill(message.Key, message.Timestamp, message.Headers, result.TopicPartitionOffset);
        PipelinesTelemetry.Consumed.Add(1, processorTag);
        using var activity = PipelinesTelemetry.StartProcessing(options.Name, message.Headers);

        TIn row;
        try
        {
            row = message.Value is null
                ? throw new MessageFormatException($"Cannot read a '{TIn.Serializer.Schema.Name}' message: the value is null (a tombstone).")
                : MessageSerializer.Deserialize<TIn>(message.Value);
        }
        catch (MessageFormatException exception)
        {
            Reject(result, exception, completion, producer);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var (output, failure) = await HandleAsync(row, result.TopicPartitionOffset, stoppingToken);
        PipelinesTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, processorTag);
        if (failure is not null)
        {
            Reject(result, failure, completion, producer);
            return;
        }

        if (output is null || options.OutputTopic is null)
        {
            completion.Complete();
            return;
        }

        var headers = new Headers
        {
            { "content-type", ContentType },
            { "pipelines.schema", schemaName },
            { "pipelines.fingerprint", fingerprint },
        };
        PipelinesTelemetry.Inject(activity, headers);
        // The output's own tags are its stream; an output without tags stays in the input's stream.
        var key = TOut.Serializer.StreamKey(output) ?? message.Key;
        Produce(producer, options.OutputTopic, new Message<byte[]?, byte[]?> { Key = key, Value = MessageSerializer.Serialize(output), Headers = headers }, completion, PipelinesTelemetry.Produced);
    }

    private async ValueTask<(TOut? Output, Exception? Failure)> HandleAsync(TIn row, TopicPartitionOffset source, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await handler(row, context, stoppingToken), null);
            }
            catch (Exception exception) when (!(exception is OperationCanceledException && stoppingToken.IsCancellationRequested))
            {
                if (attempt >= options.MaxRetries)
                {
                    return (default, exception);
                }

                var delay = TimeSpan.FromTicks(Math.Min(options.RetryBackoff.Ticks << Math.Min(attempt, 20), MaxBackoff.Ticks));
                logger.LogWarning(exception, "Processor {Processor} failed on {Source} (attempt {Attempt} of {Attempts}); retrying in {Delay}", options.Name, source, attempt + 1, options.MaxRetries + 1, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private void Reject(ConsumeResult<byte[]?, byte[]?> result, Exception exception, OffsetTracker.Completion completion, IProducer<byte[]?, byte[]?> producer)
    {
        var source = result.TopicPartitionOffset;
        PipelinesTelemetry.Failed.Add(1, processorTag);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.Message);
        switch (options.OnFailure)
        {
            case FailurePolicy.Skip:
                logger.LogWarning(exception, "Processor {Processor} skipped {Source}: {Reason}", options.Name, source, exception.Message);
                completion.Complete();
                break;
            case FailurePolicy.Stop:
                completion.Fail(new ProcessorStoppedException(options.Name, source, exception));
                break;
            default:
                logger.LogWarning(exception, "Processor {Processor} dead-lettered {Source} to {DeadLetterTopic}: {Reason}", options.Name, source, options.EffectiveDeadLetterTopic, exception.Message);
                var letter = new Message<byte[]?, byte[]?>
                {
                    Key = result.Message.Key,
                    Value = result.Message.Value,
                    Timestamp = result.Message.Timestamp,
                    Headers = DeadLetterHeaders.Create(result.Message.Headers, options.Name, source, exception),
                };
                Produce(producer, options.EffectiveDeadLetterTopic, letter, completion, PipelinesTelemetry.DeadLettered);
                break;
        }
    }

    private void Produce(IProducer<byte[]?, byte[]?> producer, string topic, Message<byte[]?, byte[]?> message, OffsetTracker.Completion completion, Counter<long> delivered) =>
        producer.Produce(topic, message, report =>
        {
            if (report.Error.IsError)
            {
                // Nothing past this input may be committed: the processor stops and the input is read again after restart.
                completion.Fail(new KafkaException(report.Error));
            }
            else
            {
                delivered.Add(1, processorTag);
                completion.Complete();
            }
        });

    private static void UpdateLag(IConsumer<byte[]?, byte[]?> consumer, PipelinesTelemetry.LagSource lag)
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

    private void StoreFinished(IConsumer<byte[]?, byte[]?> consumer)
    {
        foreach (var offset in tracker.TakeCommittable())
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
    }

    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, IProducer<byte[]?, byte[]?> producer, List<TopicPartitionOffset> revoked)
    {
        // Outputs of revoked partitions must be acknowledged and their offsets committed before another instance takes over.
        producer.Flush(ShutdownFlushTimeout);
        StoreFinished(consumer);
        CommitStored(consumer);
        tracker.Forget(revoked.Select(p => p.TopicPartition));
    }

    private void Shutdown(IConsumer<byte[]?, byte[]?> consumer, IProducer<byte[]?, byte[]?> producer)
    {
        var unflushed = producer.Flush(ShutdownFlushTimeout);
        if (unflushed > 0)
        {
            logger.LogError("Processor {Processor} stopped with {Count} outputs unacknowledged; their inputs stay uncommitted", options.Name, unflushed);
        }

        StoreFinished(consumer);
        CommitStored(consumer);
        consumer.Close();
        logger.LogInformation("Processor {Processor} stopped", options.Name);
    }

    private void CommitStored(IConsumer<byte[]?, byte[]?> consumer)
    {
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

    private ConsumerConfig ConsumerConfig() => new(options.ConsumerKafka.Concat(options.Kafka).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value))
    {
        BootstrapServers = options.BootstrapServers,
        GroupId = options.GroupId,
        EnableAutoCommit = true,
        EnableAutoOffsetStore = false,
        AutoCommitIntervalMs = checked((int)options.CommitInterval.TotalMilliseconds),
        AutoOffsetReset = AutoOffsetReset.Earliest,
    };

    private ProducerConfig ProducerConfig() => new(new Dictionary<string, string>(options.Kafka))
    {
        BootstrapServers = options.BootstrapServers,
        EnableIdempotence = true,
    };
}
