using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.Sinks;

/// <summary>
/// Reads a topic into an <see cref="ISink{T}"/>: rows in batches (<see cref="ProcessorOptions.InputBuffer"/>'s
/// <c>MaxRows</c> and <c>Timeout</c>; 5,000 rows or 500 ms by default), each written with the positions it takes its
/// partitions to, in offset order per partition. When partitions are assigned, reading starts where the sink's stored
/// positions say. So with a sink that stores them in its rows' transaction every row is written once: a batch written
/// is never read again, one not written (a crash, a stop, a rebalance) is read again whole. A message that is not rows
/// of the contract, and a row the target refuses, go to the dead-letter topic with the reason; a target that is down is
/// waited for, batch kept, as long as it takes. The group's committed offsets follow the written batches, so lag shows.
/// </summary>
/// <typeparam name="T">The rows' contract.</typeparam>
public sealed class SinkRunner<T>
    where T : IMessageContract<T>
{
    private const int DefaultMaxRows = 5_000;
    private static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly ProcessorOptions options;
    private readonly ISink<T> sink;
    private readonly ILogger logger;
    private readonly ProcessorStatus status;
    private readonly SinkPending<T> pending;
    private readonly Infrastructure.ContractFormat<T> format;
    private readonly int maxRows;
    private readonly TimeSpan maxWait;
    private readonly List<T> read = [];
    private readonly List<int> untimed = [];

    // Where the target stands for each assigned partition: the From of its next batch (null: it holds nothing yet).
    private readonly Dictionary<TopicPartition, long?> stored = [];

    /// <summary>Creates the runner; <see cref="RunAsync"/> runs it.</summary>
    /// <param name="options">The sink's name, group, input topic, dead-letter topic and Kafka settings; an output topic is not used.</param>
    /// <param name="sink">Where rows go.</param>
    /// <param name="logger">Where it logs (docs/logging.md).</param>
    /// <param name="status">Where it reports its phase, partitions and turns (a host's <see cref="Hosting.PipelinesStatus"/>).</param>
    public SinkRunner(ProcessorOptions options, ISink<T> sink, ILogger? logger = null, ProcessorStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        this.options = options;
        this.sink = sink;
        this.logger = logger ?? NullLogger.Instance;
        format = Infrastructure.ContractFormat.Of<T>(options.SchemaRegistry, options.SubjectNameStrategy);
        maxRows = options.InputBuffer?.MaxRows ?? DefaultMaxRows;
        maxWait = options.InputBuffer?.Timeout ?? DefaultMaxWait;
        pending = new SinkPending<T>();
        this.status = status ?? new ProcessorStatus(options.Name, options.TimeProvider);
    }

    /// <summary>Reads and writes until <paramref name="stoppingToken"/> is cancelled; rows not yet written then are read again by the next run.</summary>
    public Task RunAsync(CancellationToken stoppingToken) => Task.Factory.StartNew(
        () =>
        {
            try
            {
                Run(stoppingToken);
                status.Stop(null);
            }
            catch (Exception exception)
            {
                status.Stop(exception);
                throw;
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);

    private CancellationToken stopping;

    // Which topic the stored positions must be of (the input's cluster and topic id).
    private string? topicIdentity;

    private void Run(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        var consumerConfig = KafkaSettings.Consumer(options);
        consumerConfig.Set("dotnet.consumer.consume.result.fields", "headers,timestamp,topic");
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaSettings.Producer(options)).SetLogHandler((_, message) => Log.Librdkafka(logger, message)).Build();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(consumerConfig)
            .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
            .SetPartitionsAssignedHandler((_, assigned) => Assigned(assigned, stoppingToken))
            .SetPartitionsRevokedHandler((_, revoked) => Released(revoked.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, lost) => Released(lost.Select(p => p.TopicPartition)))
            .Build();
        var letters = new SinkDeadLetters<T>(options, producer, format, logger);
        topicIdentity = Pipelines.Kafka.TopicIdentity.Of(options.BootstrapServers, producer.Handle, options.InputTopic, out _);
        consumer.Subscribe(options.InputTopic);
        status.Enter(ProcessorPhase.Joining);
        Log.SinkStarted(logger, options.Name, options.InputTopic, sink.ToString() ?? typeof(T).Name, options.GroupId);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                status.Turned();
                if (Fetch(consumer, letters) && pending.Rows.Count < maxRows)
                {
                    continue;
                }

                if (pending.IsDue(maxRows, maxWait))
                {
                    Write(consumer, letters, stoppingToken);
                }
            }

            // A graceful stop writes what was read, once: what that cannot write is read again by the next run.
            Write(consumer, letters, stoppingToken, once: true);
        }
        finally
        {
            // A batch not written stays unwritten: its rows are read again from the stored positions.
            consumer.Close();
            Log.Stopped(logger, options.Name);
        }
    }

    /// <summary>Reads one message into the batch; false when none came.</summary>
    private bool Fetch(IConsumer<byte[]?, byte[]?> consumer, SinkDeadLetters<T> letters)
    {
        ConsumeResult<byte[]?, byte[]?>? result;
        try
        {
            result = consumer.Consume(PollTimeout);
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            Log.FetchFailed(logger, exception, options.Name, exception.Error.Reason);
            return false;
        }

        if (result is null || result.IsPartitionEOF)
        {
            return false;
        }

        var position = result.TopicPartitionOffset;
        var pause = GrowingPause.First;
        while (true)
        {
            try
            {
                pending.Add(position, result, ReadRows(result));
                return true;
            }
            catch (MessageFormatException exception)
            {
                letters.Reject(result, exception);
                pending.Skip(position);
                return true;
            }
            catch (Infrastructure.SchemaRegistryUnavailableException exception)
            {
                // Not the message's fault: read again once the registry answers; the rows after it wait with it.
                Log.RegistryUnavailable(logger, options.Name, $"for {position}", exception.Message, pause);
                if (stopping.WaitHandle.WaitOne(pause))
                {
                    return false;
                }

                pause = GrowingPause.After(pause);
            }
        }
    }

    private List<T> ReadRows(ConsumeResult<byte[]?, byte[]?> result)
    {
        read.Clear();
        untimed.Clear();
        var type = MessageTypes.TypeOf(result.Message.Headers);
        if (type is MessageType.Event or MessageType.StreamProperties or MessageType.StreamEnd)
        {
            // A stream's events and properties are not rows: a table has no place for them.
            return read;
        }

        if (type == MessageType.Chunk)
        {
            throw new MessageFormatException($"A chunk of a split message: sink '{options.Name}' writes rows of messages up to MaxMessageBytes and does not join split ones.");
        }

        if (result.Message.Value is not { } value)
        {
            throw MessageFormatException.Tombstone(format.Schema);
        }

        if (format.Read(value, type, read, untimed) == 0)
        {
            throw new MessageFormatException($"Cannot read '{format.Schema.Name}' rows: the message holds none.");
        }

        // A JSON row without its own time takes its message's, as a processor's input does.
        InputDeserializer<T>.Stamp(read, untimed, result.Message.Timestamp);

        return read;
    }

    /// <summary>
    /// Writes the batch, as often as it takes (or, <paramref name="once"/>, a single time but for refused rows); a refused
    /// row leaves it, a conflict drops the partitions another instance wrote.
    /// </summary>
    private void Write(IConsumer<byte[]?, byte[]?> consumer, SinkDeadLetters<T> letters, CancellationToken stoppingToken, bool once = false)
    {
        if (!pending.HasAny)
        {
            return;
        }

        // Dead letters are durable before the positions that pass them are: at worst one is written twice, never lost.
        letters.Flush();
        var pause = GrowingPause.First;
        while (pending.HasAny && (once || !stoppingToken.IsCancellationRequested))
        {
            var batch = pending.Batch(stored, topicIdentity);
            try
            {
                sink.WriteAsync(batch, once ? CancellationToken.None : stoppingToken).GetAwaiter().GetResult();
            }
            catch (SinkRowException refused) when (refused.Row >= 0 && refused.Row < batch.Rows.Count)
            {
                var (source, index, count) = pending.SourceOf(refused.Row);
                letters.RejectRow(source, index, count, batch.Rows[refused.Row], refused);
                letters.Flush();
                pending.Remove(refused.Row);
                continue;
            }
            catch (SinkPositionConflictException conflict)
            {
                Log.SinkPositionConflict(logger, options.Name, string.Join(", ", conflict.Partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")), conflict.Message);
                if (once)
                {
                    return;
                }

                Reposition(consumer, conflict.Partitions, stoppingToken);
                continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                if (once)
                {
                    Log.SinkStopWriteFailed(logger, exception, options.Name, batch.Rows.Count, exception.Message);
                    return;
                }

                Log.SinkWriteFailed(logger, exception, options.Name, batch.Rows.Count, exception.Message, pause);
                stoppingToken.WaitHandle.WaitOne(pause);
                pause = GrowingPause.After(pause);
                continue;
            }

            foreach (var position in batch.Positions)
            {
                var partition = new TopicPartition(position.Topic, position.Partition);
                stored[partition] = position.To;
                Store(consumer, new TopicPartitionOffset(partition, position.To));
            }

            pending.Clear();
        }
    }

    /// <summary>Records a written position as the group's, so its lag shows; the target's own is the one reading starts from.</summary>
    private void Store(IConsumer<byte[]?, byte[]?> consumer, TopicPartitionOffset position)
    {
        try
        {
            consumer.StoreOffset(position);
        }
        catch (KafkaException exception)
        {
            // The partition moved on meanwhile (a rebalance): its new owner starts from the target's position anyway.
            Log.StoreFailed(logger, options.Name, position.Offset, position.TopicPartition, exception.Error.Reason);
        }
    }

    private IEnumerable<TopicPartitionOffset> Assigned(List<TopicPartition> assigned, CancellationToken stoppingToken)
    {
        var positions = ReadPositions(assigned, stoppingToken);
        foreach (var partition in assigned)
        {
            stored[partition] = positions.TryGetValue(partition, out var next) ? next : null;
        }

        status.Assigned(stored.Count);
        status.Enter(ProcessorPhase.Running);
        Log.SinkAssigned(logger, options.Name, string.Join(", ", assigned.Select(p => positions.TryGetValue(p, out var next) ? $"{p.Topic}[{p.Partition.Value}]@{next}" : $"{p.Topic}[{p.Partition.Value}]")), positions.Count);
        return assigned.Select(p => new TopicPartitionOffset(p, positions.TryGetValue(p, out var next) ? new Offset(next) : Offset.Unset));
    }

    /// <summary>The target's positions, waiting for it as long as it takes: reading from anywhere else could write a row twice.</summary>
    private Dictionary<TopicPartition, long> ReadPositions(IReadOnlyCollection<TopicPartition> partitions, CancellationToken stoppingToken)
    {
        var pause = GrowingPause.First;
        while (true)
        {
            try
            {
                return new Dictionary<TopicPartition, long>(sink.ReadPositionsAsync(partitions, topicIdentity, stoppingToken).GetAwaiter().GetResult());
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                Log.SinkWriteFailed(logger, exception, options.Name, 0, exception.Message, pause);
                stoppingToken.WaitHandle.WaitOne(pause);
                pause = GrowingPause.After(pause);
            }
        }
    }

    /// <summary>Another instance wrote these partitions: drop what was read of them and read on from what the target holds.</summary>
    private void Reposition(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions, CancellationToken stoppingToken)
    {
        pending.Drop(partitions);
        var positions = ReadPositions(partitions, stoppingToken);
        var owned = partitions.Where(stored.ContainsKey).ToList();
        foreach (var partition in owned)
        {
            stored[partition] = positions.TryGetValue(partition, out var next) ? next : null;
        }

        // Assigned again where the target stands (not sought: a seek right after a failed consume crashed librdkafka here).
        consumer.IncrementalUnassign(owned);
        consumer.IncrementalAssign(owned.Select(p => new TopicPartitionOffset(p, positions.TryGetValue(p, out var next) ? new Offset(next) : Offset.Stored)));
    }

    private void Released(IEnumerable<TopicPartition> partitions)
    {
        // Rows read but not written belong to the partitions' next owner, which reads them from the target's positions.
        var released = partitions.ToList();
        pending.Drop(released);
        foreach (var partition in released)
        {
            stored.Remove(partition);
        }

        status.Assigned(stored.Count);
    }
}
