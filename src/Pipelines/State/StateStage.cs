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
    private const string CacheResult = "pipelines.state.cache.result";

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    private readonly ProcessorOptions options;
    private readonly IProducer<byte[]?, byte[]?> producer;
    private readonly ILogger logger;
    private readonly KeyValuePair<string, object?> processorTag;
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> onDelivered;
    private readonly Dictionary<int, long> written = [];
    private readonly PipelinesTelemetry.GaugeSource entries;
    private readonly PipelinesTelemetry.GaugeSource restoring;
    private readonly ProcessorStatus? status;
    private readonly ChangelogRestore restore;
    private readonly RocksDbMemory memory;
    private Error? refused;

    public StateStage(ProcessorOptions options, StateTable table, IProducer<byte[]?, byte[]?> producer, ILogger logger, KeyValuePair<string, object?> processorTag, ProcessorStatus? status = null)
    {
        this.options = options;
        this.producer = producer;
        this.logger = logger;
        this.processorTag = processorTag;
        this.status = status;
        Table = table;
        ChangelogTopic = ChangelogTopicOf(options.GroupId, table.Name);
        onDelivered = OnDelivered;
        entries = PipelinesTelemetry.TrackStateEntries(processorTag);
        restoring = PipelinesTelemetry.TrackRestoreRemaining(processorTag);
        restore = new ChangelogRestore(options, ChangelogTopic, logger);
        memory = RocksDbMemory.Of(options.StateMemoryBytes);
    }

    /// <summary>What handlers read and write.</summary>
    public StateTable Table { get; }

    /// <summary>The changelog topic: as many partitions as the input topic, compacted on a real cluster.</summary>
    public string ChangelogTopic { get; }

    /// <summary>The changelog topic of state <paramref name="name"/> of group <paramref name="groupId"/>.</summary>
    public static string ChangelogTopicOf(string groupId, string name) => $"{groupId}.{name}.changelog";

    /// <summary>
    /// Opens the stores of newly assigned partitions, all at once, and brings them up to their changelog's end together
    /// (<see cref="ChangelogRestore"/>); a store that is up to date reads nothing. Logs a line per partition restored (at
    /// Debug) and one for the assignment.
    /// </summary>
    /// <exception cref="StateStoreException">A store cannot be opened or restored; the message names its directory.</exception>
    public void Assign(IEnumerable<int> partitions)
    {
        var opening = partitions.Where(p => Table.StoreOf(p) is null).Distinct().Order().ToList();
        if (opening.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var changelog = Pipelines.Kafka.TopicIdentity.Of(options.BootstrapServers, producer.Handle, ChangelogTopic, out var unknown);
        if (changelog is null)
        {
            Log.StateChangelogUnknown(logger, options.Name, ChangelogTopic, unknown ?? "");
        }

        var stores = new IStateStore?[opening.Count];
        try
        {
            OpenAll(opening, stores);
            var watermarks = restore.Watermarks(opening);
            var work = new List<PartitionRestore>();
            for (var i = 0; i < opening.Count; i++)
            {
                var partition = opening[i];
                stores[i] = Prepare(partition, stores[i]!, changelog, watermarks[partition], out var from);
                if (from < watermarks[partition].High.Value)
                {
                    Log.StateRestoring(logger, options.Name, partition, ChangelogTopic, from, watermarks[partition].High.Value);
                    work.Add(new PartitionRestore(partition, stores[i]!, DirectoryOf(partition), from, watermarks[partition].High.Value));
                }
            }

            var total = work.Sum(w => w.End - w.From);
            status?.Restoring(total);
            Interlocked.Add(ref restoring.Value, total);
            try
            {
                restore.Run(work, Restored);
            }
            finally
            {
                Interlocked.Add(ref restoring.Value, -(total - work.Sum(w => w.Restored)));
            }

            foreach (var partition in work)
            {
                PipelinesTelemetry.StateRestoreDuration.Record(Stopwatch.GetElapsedTime(partition.Started).TotalMilliseconds, processorTag);
            }

            var restored = work.Sum(w => w.Restored);
            var elapsed = Stopwatch.GetElapsedTime(started);
            Log.StateAssigned(logger, options.Name, opening.Count, work.Count, restored, elapsed.TotalMilliseconds, elapsed.TotalSeconds > 0 ? restored / elapsed.TotalSeconds : 0);
        }
        catch
        {
            foreach (var store in stores)
            {
                store?.Dispose();
            }

            throw;
        }

        for (var i = 0; i < opening.Count; i++)
        {
            Table.Open(opening[i], stores[i]!);
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
        restore.Dispose();
        entries.Dispose();
        restoring.Dispose();
    }

    private IStateStore Open(int partition) => options.StateStore switch
    {
        StateStoreKind.Memory => new MemoryStateStore(),
        _ => RocksDbStateStore.Open(DirectoryOf(partition), memory, options.ConfigureRocksDb is { } configure ? o => configure(o, new RocksDbStore(options.Name, Table.Name, partition, DirectoryOf(partition))) : null),
    };

    /// <summary>Opens the store of every one of <paramref name="partitions"/> at once: opening a RocksDB store reads files, and the stores do not wait on one another.</summary>
    private void OpenAll(List<int> partitions, IStateStore?[] stores)
    {
        try
        {
            Parallel.For(0, partitions.Count, i => stores[i] = Open(partitions[i]));
        }
        catch (AggregateException exception) when (exception.InnerExceptions.FirstOrDefault(e => e is StateStoreException) is { } failed)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed).Throw();
        }
    }

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
    /// Decides where <paramref name="store"/> is restored from (<paramref name="from"/>: the record after the store's last).
    /// A store built from another changelog (<paramref name="changelog"/>: another cluster, or an earlier topic of that
    /// name), or ahead of this one's end (the topic deleted, recreated or truncated), is discarded and rebuilt from the
    /// changelog, as Kafka Streams does: the changelog is the source of truth. Returns the store to restore.
    /// </summary>
    private IStateStore Prepare(int partition, IStateStore store, string? changelog, WatermarkOffsets watermarks, out long from)
    {
        var directory = DirectoryOf(partition);
        if (changelog is not null && store.Changelog is { } kept && kept != changelog)
        {
            Log.StateStoreOfAnotherChangelog(logger, options.Name, partition, directory, ChangelogTopic, kept, changelog);
            store = Discard(partition, store);
        }

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

        from = store.ChangelogOffset + 1;
        if (from < watermarks.Low.Value)
        {
            Log.StateChangelogTruncated(logger, options.Name, partition, ChangelogTopic, from, watermarks.Low.Value);
            from = watermarks.Low.Value;
        }

        return store;
    }

    /// <summary>Counts a batch of records restored, for the metrics and the processor's status.</summary>
    private void Restored(long records)
    {
        PipelinesTelemetry.StateRestoredRecords.Add(records, processorTag);
        Interlocked.Add(ref restoring.Value, -records);
        status?.Restored(records);
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
