using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.State;

/// <summary>
/// Brings the stores of newly assigned partitions up to their changelog's end with one consumer for all of them, so
/// partitions restore together rather than one after another, each at the pace the broker serves them. Records go into
/// their store in batches, past the store's own log (<see cref="IStateStore.BeginRestore"/>), and nothing is allocated
/// per record on this side: keys and values are read into two reused buffers. One per run; the loop's thread only.
/// </summary>
internal sealed class ChangelogRestore : IDisposable
{
    // A batch is written at this many records or bytes, whichever comes first, with the changelog offset it reaches.
    private const int BatchRecords = 10_000;
    private const long BatchBytes = 4 * 1024 * 1024;

    // A long restore makes what it wrote durable this often, so a restore cut short (a crash, a kill) goes on from there.
    private static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RestoreWait = TimeSpan.FromSeconds(30);

    private readonly ProcessorOptions options;
    private readonly string topic;
    private readonly ILogger logger;
    private readonly RecordBytes key = new();
    private readonly RecordBytes value = new();
    private IConsumer<RecordBytes, RecordBytes>? consumer;

    public ChangelogRestore(ProcessorOptions options, string topic, ILogger logger)
    {
        this.options = options;
        this.topic = topic;
        this.logger = logger;
    }

    /// <summary>The consumer, made on first use: a run whose stores are all up to date needs one only to ask where the changelog ends.</summary>
    private IConsumer<RecordBytes, RecordBytes> Consumer => consumer ??= new ConsumerBuilder<RecordBytes, RecordBytes>(KafkaSettings.Restore(options))
        .SetKeyDeserializer(key)
        .SetValueDeserializer(value)
        .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
        .Build();

    /// <summary>Where each of <paramref name="partitions"/> of the changelog starts and ends, asked of the broker for all of them at once.</summary>
    public Dictionary<int, WatermarkOffsets> Watermarks(IReadOnlyList<int> partitions)
    {
        var watermarks = new WatermarkOffsets[partitions.Count];
        var client = Consumer;
        Parallel.For(0, partitions.Count, i => watermarks[i] = client.QueryWatermarkOffsets(new TopicPartition(topic, partitions[i]), RestoreWait));
        return partitions.Select((partition, i) => (partition, watermarks[i])).ToDictionary(p => p.partition, p => p.Item2);
    }

    /// <summary>Reads every partition of <paramref name="work"/> from its <see cref="PartitionRestore.From"/> to its end into its store; <paramref name="restored"/> hears of each batch written.</summary>
    /// <exception cref="StateStoreException">A record is not a state record, or the changelog gave nothing for a while before a partition's end.</exception>
    public void Run(IReadOnlyList<PartitionRestore> work, Action<long> restored)
    {
        if (work.Count == 0)
        {
            return;
        }

        var byPartition = work.ToDictionary(w => w.Partition);
        var client = Consumer;
        client.Assign(work.Select(w => new TopicPartitionOffset(topic, w.Partition, w.From)));
        try
        {
            var open = work.Count;
            while (open > 0)
            {
                var result = client.Consume(RestoreWait) ?? throw new StateStoreException(
                    $"Restoring the state of {options.Name}: '{topic}' gave nothing for {RestoreWait} before the end of partitions " +
                    string.Join(", ", work.Where(w => !w.Done).Select(w => $"{w.Partition} (at offset {w.Last + 1} of {w.End}, store at '{w.Directory}')")) + ".");
                if (!byPartition.TryGetValue(result.Partition.Value, out var partition) || partition.Done)
                {
                    continue;
                }

                if (!result.IsPartitionEOF)
                {
                    Add(partition, result.Offset.Value, restored);
                }

                if (result.IsPartitionEOF || partition.Last >= partition.End - 1)
                {
                    Finish(partition, restored);
                    open--;
                }
            }
        }
        finally
        {
            client.Unassign();
        }
    }

    public void Dispose()
    {
        consumer?.Close();
        consumer?.Dispose();
    }

    private void Add(PartitionRestore partition, long offset, Action<long> restored)
    {
        // A tombstone (an expired key, a row gone from a join) deletes; a key's record must be a state record; a
        // segment is its value's to read.
        if (!value.IsNull && !Segments.IsSegment(key.Span))
        {
            try
            {
                StateRecord.Validate(value.Span);
            }
            catch (FormatException exception)
            {
                throw new StateStoreException($"Restoring the state of {options.Name}, partition {partition.Partition} (store at '{partition.Directory}'): the record at offset {offset} of '{topic}' is not a state record ({exception.Message}).", exception);
            }
        }

        partition.Batch.Add(key.Span, value.Span, value.IsNull);
        partition.Last = offset;
        if (partition.Batch.Count >= BatchRecords || partition.Batch.Bytes >= BatchBytes)
        {
            Write(partition, restored);
        }
    }

    private void Write(PartitionRestore partition, Action<long> restored)
    {
        var count = partition.Batch.Count;
        partition.Batch.Write(partition.Last);
        partition.Restored += count;
        restored(count);
        if (Stopwatch.GetElapsedTime(partition.Persisted) >= PersistInterval)
        {
            partition.Store.PersistRestored();
            partition.Persisted = Stopwatch.GetTimestamp();
        }
    }

    private void Finish(PartitionRestore partition, Action<long> restored)
    {
        if (partition.Batch.Count > 0)
        {
            Write(partition, restored);
        }

        partition.Store.PersistRestored();
        partition.Done = true;
        partition.Batch.Dispose();
        var elapsed = Stopwatch.GetElapsedTime(partition.Started);
        Log.StateRestored(logger, options.Name, partition.Partition, partition.Restored, elapsed.TotalMilliseconds);
    }

    /// <summary>A key or value read into a buffer kept from one record to the next; the deserializer of both is the buffer itself.</summary>
    private sealed class RecordBytes : IDeserializer<RecordBytes>
    {
        private byte[] buffer = new byte[1024];
        private int length;

        public bool IsNull { get; private set; }

        public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

        public RecordBytes Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
        {
            if (buffer.Length < data.Length)
            {
                buffer = new byte[Math.Max(buffer.Length * 2, data.Length)];
            }

            data.CopyTo(buffer);
            length = data.Length;
            IsNull = isNull;
            return this;
        }
    }
}

/// <summary>One partition's part of a restore: its store, where its changelog is read from and to, and how far it got.</summary>
internal sealed class PartitionRestore(int partition, IStateStore store, string directory, long from, long end)
{
    public int Partition { get; } = partition;

    public IStateStore Store { get; } = store;

    /// <summary>Where the store is kept, for errors.</summary>
    public string Directory { get; } = directory;

    /// <summary>The first changelog offset to read.</summary>
    public long From { get; } = from;

    /// <summary>The changelog's end (its high watermark) when the restore began.</summary>
    public long End { get; } = end;

    public IRestoreBatch Batch { get; } = store.BeginRestore();

    public long Started { get; } = Stopwatch.GetTimestamp();

    /// <summary>The offset of the last record read.</summary>
    public long Last { get; set; } = from - 1;

    public long Restored { get; set; }

    /// <summary>When what it restored was last made durable (<see cref="Stopwatch"/> ticks).</summary>
    public long Persisted { get; set; } = Stopwatch.GetTimestamp();

    public bool Done { get; set; }
}
