using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Kafka;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.Tables;

/// <summary>
/// Reads a table's topic from its beginning, on a thread of its own with a consumer of its own (no group, no commits:
/// every instance reads what it holds, every time it starts), and goes on reading updates until disposed. A global
/// table reads every partition from the start; a partitioned one reads the partitions the processor is assigned, as
/// they are assigned (<see cref="Assign"/>, <see cref="Revoke"/>: asked from the loop, done on this thread, in order).
/// </summary>
internal sealed class TableReader<T> : TableReader
    where T : IMessageContract<T>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private readonly ITableRows<T> rows;
    private readonly string topic;
    private readonly ProcessorOptions options;
    private readonly ILogger logger;
    private readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<Action<IConsumer<byte[]?, byte[]?>>> requests = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    // Read and changed on the reader's thread only.
    private readonly HashSet<int> assigned = [];
    private readonly List<Load> loads = [];
    private readonly Dictionary<int, long> ends = [];
    private readonly List<T> scratch = [];
    private readonly ContractFormat<T> format;
    private TimeSpan registryPause = GrowingPause.First;
    private volatile Exception? stopped;
    private long messages;

    /// <param name="topic">The table's topic.</param>
    /// <param name="partitioned">Whether to hold only the assigned partitions (a <see cref="Table{T}"/>) rather than all (a <see cref="GlobalTable{T}"/>).</param>
    /// <param name="options">The processor's options: its name, input topic and consumer settings.</param>
    /// <param name="logger">Where the reader logs.</param>
    public TableReader(string topic, bool partitioned, ProcessorOptions options, ILogger logger)
    {
        this.topic = topic;
        IsPartitioned = partitioned;
        rows = partitioned ? new Table<T>(topic) : new GlobalTable<T>(topic);
        this.options = options;
        this.logger = logger;
        format = ContractFormat.Of<T>(options.SchemaRegistry, options.SubjectNameStrategy);
        thread = new Thread(Read) { IsBackground = true, Name = $"Pipelines table {topic} ({options.Name})" };
        thread.Start();
    }

    public override object Facade => rows;

    public override Task Loaded => loaded.Task;

    public override bool IsPartitioned { get; }

    public override Task Assign(IReadOnlyCollection<int> partitions)
    {
        if (!IsPartitioned)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        requests.Enqueue(consumer => Start(consumer, partitions, done));

        // The reader may have stopped before (or just after) taking the request: the request must not wait forever.
        if (stopped is { } reason)
        {
            done.TrySetException(reason);
        }

        return done.Task;
    }

    public override void Revoke(IReadOnlyCollection<int> partitions)
    {
        if (IsPartitioned)
        {
            requests.Enqueue(consumer => Forget(consumer, partitions));
        }
    }

    public override void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
    }

    private void Read()
    {
        try
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaSettings.Table(options))
                .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
                .Build();
            var partitions = Partitioning.Partitions(consumer.Handle, topic, out var missing) ?? throw new InvalidOperationException($"the topic does not exist ({missing})");
            if (!IsPartitioned)
            {
                Start(consumer, partitions, loaded);
            }
            else if (CoPartitioningProblem(consumer) is { } problem)
            {
                StopReading(new InvalidOperationException(problem), null);
                return;
            }
            else
            {
                loaded.TrySetResult();
            }

            while (!stop.IsCancellationRequested)
            {
                while (requests.TryDequeue(out var request))
                {
                    request(consumer);
                }

                ConsumeOne(consumer);
            }

            consumer.Close();
        }
        catch (Exception exception) when (exception is KafkaException or InvalidOperationException)
        {
            StopReading(new InvalidOperationException($"Processor '{options.Name}' could not read its table '{topic}': {exception.Message}", exception), exception);
        }
    }

    /// <summary>
    /// The reader stopped. Before a load is done the processor waits for it, and stops with <paramref name="reason"/>
    /// rather than run without its table; after, the table stays as it was, and the error says it no longer follows its topic.
    /// </summary>
    private void StopReading(Exception reason, Exception? cause)
    {
        stopped = reason;
        var waiting = loaded.TrySetException(reason);
        foreach (var load in loads)
        {
            waiting |= load.Done.TrySetException(reason);
        }

        while (requests.TryDequeue(out _))
        {
        }

        if (!waiting && cause is not null)
        {
            Log.TableStopped(logger, cause, options.Name, topic);
        }
    }

    private void ConsumeOne(IConsumer<byte[]?, byte[]?> consumer)
    {
        ConsumeResult<byte[]?, byte[]?>? result;
        try
        {
            result = consumer.Consume(PollTimeout);
        }
        catch (ConsumeException exception)
        {
            // librdkafka recovers from these (a broker restarting); the table keeps what it has and reads on.
            Log.TableReadFailed(logger, options.Name, topic, exception.Error.Reason);
            return;
        }

        // A message of a partition revoked while it was in flight belongs to another instance now.
        if (result is null || !assigned.Contains(result.Partition.Value))
        {
            return;
        }

        if (!result.IsPartitionEOF)
        {
            if (!ApplyOne(result))
            {
                // Not read yet (its writer schema could not be fetched): the same message again after a pause.
                consumer.Seek(result.TopicPartitionOffset);
                stop.Token.WaitHandle.WaitOne(registryPause);
                registryPause = GrowingPause.After(registryPause);
                return;
            }

            registryPause = GrowingPause.First;
            messages++;
        }

        if (loads.Count > 0 && (result.IsPartitionEOF || result.Offset.Value + 1 >= ends[result.Partition.Value]))
        {
            Reached(result.Partition.Value);
        }
    }

    /// <summary>Assigns <paramref name="partitions"/> from their beginning; <paramref name="done"/> completes when each has been read to its present end.</summary>
    private void Start(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<int> partitions, TaskCompletionSource done)
    {
        var added = partitions.Where(assigned.Add).ToList();
        var load = new Load(done, [], Stopwatch.GetTimestamp(), added);
        foreach (var partition in added)
        {
            ends[partition] = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), MetadataTimeout).High.Value;
            if (ends[partition] > 0)
            {
                load.Remaining.Add(partition);
            }
        }

        consumer.IncrementalAssign(added.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        loads.Add(load);
        Finish(load);
    }

    private void Forget(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<int> partitions)
    {
        var removed = partitions.Where(assigned.Remove).ToList();
        consumer.IncrementalUnassign(removed.Select(p => new TopicPartition(topic, p)));
        foreach (var partition in removed)
        {
            rows.Drop(partition);
            Reached(partition);
        }
    }

    /// <summary>A partition was read to the end it had when its load began (or left): loads waiting only for it are done.</summary>
    private void Reached(int partition)
    {
        foreach (var load in loads.ToList())
        {
            if (load.Remaining.Remove(partition))
            {
                Finish(load);
            }
        }
    }

    private void Finish(Load load)
    {
        if (load.Remaining.Count > 0)
        {
            return;
        }

        loads.Remove(load);
        var elapsed = Stopwatch.GetElapsedTime(load.Started).TotalMilliseconds;
        if (IsPartitioned)
        {
            Log.TablePartitionsLoaded(logger, options.Name, topic, string.Join(",", load.Partitions), ((Table<T>)rows).Count, elapsed);
        }
        else
        {
            Log.TableLoaded(logger, options.Name, topic, ((GlobalTable<T>)rows).Count, messages, elapsed);
        }

        load.Done.TrySetResult();
    }

    /// <summary>Applies one message; <see langword="false"/> if it must be read again (the Schema Registry did not answer).</summary>
    private bool ApplyOne(ConsumeResult<byte[]?, byte[]?> result)
    {
        TableUpdate update;
        try
        {
            update = TableUpdates.Apply(rows, format, result.Partition.Value, result.Message.Key, result.Message.Value, result.Message.Headers, scratch);
        }
        catch (MessageFormatException exception)
        {
            Log.TableRowUnreadable(logger, options.Name, topic, result.Partition.Value, result.Offset.Value, exception.Message);
            return true;
        }
        catch (SchemaRegistryUnavailableException exception)
        {
            Log.RegistryUnavailable(logger, options.Name, $"reading table {topic} partition {result.Partition.Value} at offset {result.Offset.Value}", exception.Message, registryPause);
            return false;
        }

        if (update == TableUpdate.Unreadable)
        {
            Log.TableRowUnreadable(logger, options.Name, topic, result.Partition.Value, result.Offset.Value, "a message type a table does not read (a chunk of a split message, or an unknown pipelines.type)");
        }

        return true;
    }

    /// <summary>
    /// A partitioned table finds a stream key's row only in the partition number the key's rows are in: with a different
    /// partition count, most keys would silently find nothing. Refused before the first row instead.
    /// </summary>
    private string? CoPartitioningProblem(IConsumer<byte[]?, byte[]?> consumer)
    {
        var input = options.InputTopic;
        return Partitioning.CoPartitioningProblem(consumer.Handle, [topic, input]) is { } counts
            ? $"Processor '{options.Name}' reads the table '{topic}' partition by partition beside its input '{input}', but {counts} partitions: " +
              $"a key's table row must be in the partition number its rows are in. Give both topics the same partition count (and write both with the same partitioner), or read the table as a GlobalTable<{typeof(T).Name}>."
            : null;
    }

    /// <summary>Partitions being read to the ends they had when asked; <see cref="Done"/> completes when none remains.</summary>
    private sealed record Load(TaskCompletionSource Done, HashSet<int> Remaining, long Started, IReadOnlyList<int> Partitions);
}
