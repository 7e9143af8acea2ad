using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.State;

/// <summary>
/// A processor's keyed state across its partitions' lives: an assigned partition's store is opened and brought up to
/// its changelog's end before any of its rows are handled; at every checkpoint the keys changed since the last one go
/// to the changelog, are acknowledged, then written to the store with the changelog offset they reach; a revoked
/// partition's store is closed after its last checkpoint, a lost one's without. One per run; the loop's thread only.
/// </summary>
/// <remarks>
/// Why state never disagrees with the committed input: the loop checkpoints only after every output written so far
/// was acknowledged, and each record carries the position of the last row applied to its key. After a crash, rows up
/// to that position are not handled again (their outputs were acknowledged, their updates are in the record); rows
/// after it are, once. A record written but whose checkpoint did not finish is therefore still right to restore.
/// </remarks>
internal sealed class StateStage : IDisposable
{
    // A restore writes to the store in batches of this many records, each with the changelog offset it reaches.
    private const int RestoreBatch = 10_000;

    private const string CacheResult = "pipelines.state.cache.result";

    private static readonly TimeSpan RestoreWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    private readonly ProcessorOptions options;
    private readonly IProducer<byte[]?, byte[]?> producer;
    private readonly ILogger logger;
    private readonly KeyValuePair<string, object?> processorTag;
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> onDelivered;
    private readonly Dictionary<int, long> written = [];
    private readonly PipelinesTelemetry.GaugeSource entries;
    private Error? refused;

    public StateStage(ProcessorOptions options, StateTable table, IProducer<byte[]?, byte[]?> producer, ILogger logger, KeyValuePair<string, object?> processorTag)
    {
        this.options = options;
        this.producer = producer;
        this.logger = logger;
        this.processorTag = processorTag;
        Table = table;
        ChangelogTopic = ChangelogTopicOf(options.GroupId, table.Name);
        onDelivered = OnDelivered;
        entries = PipelinesTelemetry.TrackStateEntries(processorTag);
    }

    /// <summary>What handlers read and write.</summary>
    public StateTable Table { get; }

    /// <summary>The changelog topic: as many partitions as the input topic, compacted on a real cluster.</summary>
    public string ChangelogTopic { get; }

    /// <summary>The changelog topic of state <paramref name="name"/> of group <paramref name="groupId"/>.</summary>
    public static string ChangelogTopicOf(string groupId, string name) => $"{groupId}.{name}.changelog";

    /// <summary>Opens and restores the stores of newly assigned partitions.</summary>
    /// <exception cref="StateStoreException">A store cannot be opened or restored; the message names its directory.</exception>
    public void Assign(IEnumerable<int> partitions)
    {
        var opening = partitions.Where(p => Table.StoreOf(p) is null).ToList();
        if (opening.Count == 0)
        {
            return;
        }

        var changelog = ChangelogIdentity.Of(options.BootstrapServers, producer.Handle, ChangelogTopic, out var unknown);
        if (changelog is null)
        {
            Log.StateChangelogUnknown(logger, options.Name, ChangelogTopic, unknown ?? "");
        }

        foreach (var partition in opening)
        {
            var store = Open(partition);
            try
            {
                store = Restore(partition, store, changelog);
            }
            catch
            {
                store.Dispose();
                throw;
            }

            Table.Open(partition, store);
        }
    }

    /// <summary>
    /// Writes every key changed since the last checkpoint to the changelog, waits for it to be acknowledged, then to
    /// the store. The caller has made sure every output written so far was acknowledged.
    /// </summary>
    /// <exception cref="KafkaException">A changelog record was not written: the changes taken for this checkpoint are lost from the cache's account (<see cref="Pipelines.Processing.DeliveryErrors.IsPassing"/> says whether writing again may succeed).</exception>
    public void Checkpoint(IEnumerable<int>? partitions = null)
    {
        Interlocked.Exchange(ref entries.Value, Table.CachedKeys);
        var (hits, misses) = Table.TakeLookups();
        PipelinesTelemetry.StateLookups.Add(hits, processorTag, new(CacheResult, "hit"));
        PipelinesTelemetry.StateLookups.Add(misses, processorTag, new(CacheResult, "miss"));
        refused = null; // a failure of an earlier checkpoint was dealt with then
        var changes = new List<(int Partition, List<KeyValuePair<byte[], byte[]?>> Records)>();
        foreach (var partition in (partitions ?? Table.Partitions).ToList())
        {
            if (Table.Expire(partition) is > 0 and var expired)
            {
                PipelinesTelemetry.StateExpired.Add(expired, processorTag);
            }

            var records = Table.TakeChanges(partition);
            if (records.Count == 0)
            {
                continue;
            }

            foreach (var (key, value) in records)
            {
                producer.Produce(new TopicPartition(ChangelogTopic, partition), new Message<byte[]?, byte[]?> { Key = key, Value = value }, onDelivered);
            }

            changes.Add((partition, records));
        }

        if (changes.Count == 0)
        {
            return;
        }

        var unacknowledged = producer.Flush(FlushTimeout);
        if (refused is { } error || unacknowledged > 0)
        {
            throw new KafkaException(refused ?? new Error(ErrorCode.Local_TimedOut, $"{unacknowledged} state changelog records were not acknowledged within {FlushTimeout}."));
        }

        foreach (var (partition, records) in changes)
        {
            long reached;
            lock (written)
            {
                reached = written.GetValueOrDefault(partition, -1);
            }

            Table.StoreOf(partition)?.Write(records, reached);
            PipelinesTelemetry.StateChangelogRecords.Add(records.Count, processorTag);
            PipelinesTelemetry.StateChangelogBytes.Add(records.Sum(r => (long)r.Key.Length + (r.Value?.Length ?? 0)), processorTag);
        }
    }

    /// <summary>Closes the stores of partitions that leave this instance (checkpointed first by the caller, unless lost).</summary>
    public void Close(IEnumerable<int> partitions)
    {
        foreach (var partition in partitions)
        {
            Table.Close(partition)?.Dispose();
            written.Remove(partition);
        }
    }

    public void Dispose()
    {
        Close(Table.Partitions.ToList());
        entries.Dispose();
    }

    private IStateStore Open(int partition) => options.StateStore switch
    {
        StateStoreKind.Memory => new MemoryStateStore(),
        _ => RocksDbStateStore.Open(DirectoryOf(partition)),
    };

    /// <summary>Where the store of <paramref name="partition"/> is kept, as state errors name it.</summary>
    private string DirectoryOf(int partition) => options.StateStore == StateStoreKind.Memory
        ? "memory"
        : Path.Combine(options.StateDirectory, options.GroupId, options.Name, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Closes <paramref name="store"/>, deletes what it kept and opens an empty one: the changelog is the source of truth.</summary>
    private IStateStore Discard(int partition, IStateStore store)
    {
        store.Dispose();
        if (options.StateStore != StateStoreKind.Memory)
        {
            Directory.Delete(DirectoryOf(partition), recursive: true);
        }

        return Open(partition);
    }

    /// <summary>
    /// Brings <paramref name="store"/> up to its changelog's end: reads from the record after the store's last. A store
    /// built from another changelog (<paramref name="changelog"/>: another cluster, or an earlier topic of that name), or
    /// ahead of this one's end (the topic deleted, recreated or truncated), is discarded and rebuilt from the changelog,
    /// as Kafka Streams does: the changelog is the source of truth. Returns the store restored.
    /// </summary>
    private IStateStore Restore(int partition, IStateStore store, string? changelog)
    {
        var started = Stopwatch.GetTimestamp();
        var topicPartition = new TopicPartition(ChangelogTopic, partition);
        var directory = DirectoryOf(partition);
        if (changelog is not null && store.Changelog is { } kept && kept != changelog)
        {
            Log.StateStoreOfAnotherChangelog(logger, options.Name, partition, directory, ChangelogTopic, kept, changelog);
            store = Discard(partition, store);
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaSettings.Restore(options))
            .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
            .Build();
        var watermarks = consumer.QueryWatermarkOffsets(topicPartition, RestoreWait);
        if (store.ChangelogOffset >= watermarks.High.Value)
        {
            var held = watermarks.High.Value == 0 ? "holds no records" : $"holds records only up to offset {watermarks.High.Value - 1}";
            Log.StateStoreAheadOfChangelog(logger, options.Name, partition, directory, store.ChangelogOffset, ChangelogTopic, held);
            store = Discard(partition, store);
        }

        if (changelog is not null)
        {
            store.Bind(changelog);
        }

        var from = store.ChangelogOffset + 1;
        if (from < watermarks.Low.Value)
        {
            Log.StateChangelogTruncated(logger, options.Name, partition, ChangelogTopic, from, watermarks.Low.Value);
            from = watermarks.Low.Value;
        }

        var restored = 0L;
        if (from < watermarks.High.Value)
        {
            Log.StateRestoring(logger, options.Name, partition, ChangelogTopic, from, watermarks.High.Value);
            consumer.Assign(new TopicPartitionOffset(topicPartition, from));
            var batch = new List<KeyValuePair<byte[], byte[]?>>();
            var last = -1L;
            while (last < watermarks.High.Value - 1)
            {
                var result = consumer.Consume(RestoreWait)
                    ?? throw new StateStoreException($"Restoring the state of {options.Name}, partition {partition} (store at '{directory}'): '{ChangelogTopic}' gave nothing for {RestoreWait} at offset {last + 1}, before its end ({watermarks.High.Value}).");
                if (result.IsPartitionEOF)
                {
                    break;
                }

                try
                {
                    // A tombstone (an expired key, a row gone from a join) deletes; a key's record must be a state
                    // record; a segment is its value's to read.
                    if (result.Message.Value is { } value && !Segments.IsSegment(result.Message.Key ?? []))
                    {
                        StateRecord.Decode(value);
                    }
                }
                catch (FormatException exception)
                {
                    throw new StateStoreException($"Restoring the state of {options.Name}, partition {partition} (store at '{directory}'): the record at offset {result.Offset.Value} of '{ChangelogTopic}' is not a state record ({exception.Message}).", exception);
                }

                batch.Add(new(result.Message.Key ?? [], result.Message.Value));
                last = result.Offset.Value;
                if (batch.Count >= RestoreBatch)
                {
                    store.Write(batch, last);
                    restored += batch.Count;
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                store.Write(batch, last);
                restored += batch.Count;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        PipelinesTelemetry.StateRestoreDuration.Record(elapsed.TotalMilliseconds, processorTag);
        PipelinesTelemetry.StateRestoredRecords.Add(restored, processorTag);
        Log.StateRestored(logger, options.Name, partition, restored, elapsed.TotalMilliseconds);
        return store;
    }

    private void OnDelivered(DeliveryReport<byte[]?, byte[]?> report)
    {
        // On the producer's thread; read by Checkpoint after Flush, which waits for every report.
        if (!Pipelines.Processing.DeliveryErrors.IsDelivered(report))
        {
            // Not persisted without an error is a failure that may pass, as a timeout is: the record may be written again.
            refused ??= report.Error.IsError ? report.Error : new Error(ErrorCode.Local_Retry, $"a state changelog record was reported {report.Status}, without an error");
            return;
        }

        if (report.Offset.Value < 0)
        {
            // Written, but not said where (a retried batch the broker had): the store reaches the offset of a record after it.
            return;
        }

        lock (written)
        {
            written[report.Partition.Value] = Math.Max(written.GetValueOrDefault(report.Partition.Value, -1), report.Offset.Value);
        }
    }
}
