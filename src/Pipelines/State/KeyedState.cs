using System.Text;

namespace Pipelines.State;

/// <summary>
/// Values of <typeparamref name="T"/> by stream key: kept deserialized in the cache, encoded at checkpoints. A
/// handler's <see cref="State{T}"/> keeps contracts here; windows keep each key's open windows.
/// </summary>
internal sealed class KeyedState<T> : StateTable
{
    private readonly Dictionary<int, PartitionCache> partitions = [];
    private readonly Func<T, byte[]> encode;
    private readonly Func<byte[], T> decode;
    private Entry? current;
    private RowPosition? position;
    private (T Value, bool HasValue) before;
    private readonly TimeSpan? timeToLive;
    private readonly bool onDataTime;
    private readonly TimeProvider time;
    private long rowTime = long.MinValue;
    private long hits;
    private long misses;

    /// <param name="name">The state's name.</param>
    /// <param name="encode">Writes a value for the store and changelog.</param>
    /// <param name="decode">Reads what <paramref name="encode"/> wrote.</param>
    /// <param name="timeToLive">How long a key no row touches is kept (<see cref="Processing.ProcessorOptions.StateTimeToLive"/>), or <see langword="null"/>.</param>
    /// <param name="time">The wall clock of <paramref name="timeToLive"/>.</param>
    /// <param name="clock">What <paramref name="timeToLive"/> is measured on.</param>
    public KeyedState(string name, Func<T, byte[]> encode, Func<byte[], T> decode, TimeSpan? timeToLive = null, TimeProvider? time = null, StateClock clock = StateClock.WallClock)
    {
        onDataTime = timeToLive is not null && clock == StateClock.DataTime;
        Name = name;
        this.encode = encode;
        this.decode = decode;
        this.timeToLive = timeToLive;
        this.time = time ?? TimeProvider.System;
    }

    public override string Name { get; }

    public override IReadOnlyCollection<int> Partitions => partitions.Keys;

    /// <summary>What handlers see of a contract's state, set by <see cref="StateDefinition"/>; bound to the current call's stream.</summary>
    public object? Facade { get; set; }

    /// <summary>The stream key the state is bound to.</summary>
    public byte[] Key => Current.Key;

    /// <summary>The partition the state is bound to.</summary>
    public int Partition => Current.Partition;

    public bool HasValue => Current.HasValue;

    public T Value => Current.Value;

    public string StreamKey => Encoding.UTF8.GetString(Current.Key);

    private Entry Current => current ?? throw new InvalidOperationException($"{typeof(T).Name} state is only available while a row handler runs.");

    public void Set(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Current.Value = value;
        Current.HasValue = true;
    }

    public void Clear()
    {
        Current.Value = default!;
        Current.HasValue = false;
    }

    public override void Open(int partition, IStateStore store)
    {
        var cache = new PartitionCache(store);
        partitions[partition] = cache;
        if (timeToLive is not null)
        {
            // The keys the store holds are forgotten a time to live from now unless rows come: their last row's time
            // is not kept, and this instance has only just taken them. On data time, "now" is the partition's first
            // row after the restore (long.MinValue until then).
            var now = onDataTime ? long.MinValue : time.GetTimestamp();
            foreach (var (key, _) in KeyRecords(store))
            {
                cache.Touched[key] = now;
            }
        }
    }

    /// <summary>Every key of <paramref name="partition"/>'s store that has a value, loaded into the cache: for state that must act on keys without rows (windows closing on wall-clock time).</summary>
    public List<byte[]> LoadAll(int partition)
    {
        var cache = partitions[partition];
        var keys = new List<byte[]>();
        foreach (var (key, bytes) in KeyRecords(cache.Store))
        {
            if (!cache.Entries.TryGetValue(key, out var entry))
            {
                entry = Load(key, partition, bytes, cache.Store);
                cache.Entries.Add(key, entry);
            }

            if (entry.HasValue)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    public override IStateStore? Close(int partition) =>
        partitions.Remove(partition, out var cache) ? cache.Store : null;

    public override IStateStore? StoreOf(int partition) => partitions.GetValueOrDefault(partition)?.Store;

    public override bool Begin(int partition, byte[]? key, RowPosition position) => Bind(partition, key, position);

    /// <summary>Binds the state to a key for work that handles no row (a window closing on wall-clock time): what row was applied last stays as it is.</summary>
    public void BeginKey(int partition, byte[] key) => Bind(partition, key, null);

    private bool Bind(int partition, byte[]? key, RowPosition? position)
    {
        if (!partitions.TryGetValue(partition, out var cache))
        {
            throw new InvalidOperationException($"The state of partition {partition} is not open: rows were handled before it was restored.");
        }

        key ??= [];
        if (cache.Entries.TryGetValue(key, out var entry))
        {
            hits++;
        }
        else
        {
            misses++;
            entry = Load(key, partition, cache.Store.Get(key), cache.Store);
            cache.Entries.Add(key, entry);
        }

        if (position is { } row && row <= entry.AppliedOf(row.Input))
        {
            current = null;
            return false;
        }

        current = entry;
        this.position = position;
        before = (entry.Value, entry.HasValue);
        return true;
    }

    public override void Reach(RowPosition last)
    {
        if (current is not null)
        {
            position = last;
        }
    }

    public override void Rewind()
    {
        if (current is { } entry)
        {
            (entry.Value, entry.HasValue) = before;
        }
    }

    public override void Commit()
    {
        if (current is not { } entry)
        {
            return;
        }

        if (position is { } row)
        {
            entry.Apply(row);
            if (timeToLive is not null && partitions.TryGetValue(entry.Partition, out var touched))
            {
                touched.Touched[entry.Key] = !onDataTime ? time.GetTimestamp() : rowTime != long.MinValue ? rowTime : touched.DataTime;
                rowTime = long.MinValue;
            }
        }

        if (!entry.Changed && partitions.TryGetValue(entry.Partition, out var cache))
        {
            entry.Changed = true;
            cache.Changed.Add(entry);
        }

        current = null;
    }

    public override void Observe(int partition, long timestamp)
    {
        if (onDataTime && partitions.TryGetValue(partition, out var cache))
        {
            rowTime = timestamp;
            cache.DataTime = Math.Max(cache.DataTime, timestamp);
        }
    }

    public override int Expire(int partition) => Expire(partition, null);

    /// <summary>As <see cref="Expire(int)"/>, keeping the keys whose value <paramref name="keep"/> says must stay (their time starts again).</summary>
    public int Expire(int partition, Func<T, bool>? keep)
    {
        if (timeToLive is not { } ttl || !partitions.TryGetValue(partition, out var cache))
        {
            return 0;
        }

        var now = onDataTime ? cache.DataTime : time.GetTimestamp();
        if (now == long.MinValue)
        {
            return 0; // no row of the partition yet: no data time to measure by
        }

        var due = cache.Touched.Where(touched => Elapsed(touched.Value, now) >= ttl).Select(touched => touched.Key).ToList();
        var expired = 0;
        foreach (var key in due)
        {
            var entry = cache.Entries.GetValueOrDefault(key) ?? Load(key, partition, cache.Store.Get(key), cache.Store);
            if ((keep is not null && entry.HasValue && keep(entry.Value)) || cache.Touched[key] == long.MinValue)
            {
                cache.Touched[key] = now;
                continue;
            }

            // Its last change, if not yet taken, is forgotten with it: the tombstone is the key's last record.
            if (entry.Changed)
            {
                entry.Changed = false;
                cache.Changed.Remove(entry);
            }

            cache.Entries.Remove(key);
            cache.Touched.Remove(key);
            entry.Persisted?.DeleteSegments(Segments.PrefixOf(key), cache.Expired);
            cache.Expired.Add(new(key, null));
            expired++;
        }

        return expired;
    }

    /// <summary>How long ago <paramref name="touched"/> was at <paramref name="now"/>: nanoseconds of data time, or <see cref="TimeProvider"/> ticks; a key restored before any row of its partition, none.</summary>
    private TimeSpan Elapsed(long touched, long now) =>
        touched == long.MinValue ? TimeSpan.MaxValue
        : onDataTime ? TimeSpan.FromTicks((now - touched) / 100)
        : time.GetElapsedTime(touched, now);

    public override long CachedKeys => partitions.Values.Sum(cache => (long)cache.Entries.Count);

    public override (long Hits, long Misses) TakeLookups()
    {
        var taken = (hits, misses);
        (hits, misses) = (0, 0);
        return taken;
    }

    public override List<KeyValuePair<byte[], byte[]?>> TakeChanges(int partition)
    {
        var records = new List<KeyValuePair<byte[], byte[]?>>();
        if (!partitions.TryGetValue(partition, out var cache))
        {
            return records;
        }

        // Forgotten keys first: a tombstone, which compaction and the store both take as a deletion.
        records.AddRange(cache.Expired);
        cache.Expired.Clear();
        foreach (var entry in cache.Changed)
        {
            // A value kept in segments writes those that changed before its head, which names them.
            var segmented = entry.HasValue ? entry.Value as ISegmentedValue : null;
            if (segmented is not null || entry.Persisted is not null)
            {
                var prefix = Segments.PrefixOf(entry.Key);
                if (entry.Persisted is { } persisted && !ReferenceEquals(persisted, segmented))
                {
                    persisted.DeleteSegments(prefix, records);
                }

                segmented?.TakeSegments(prefix, records);
                entry.Persisted = segmented;
            }

            var value = entry.HasValue ? encode(entry.Value) : null;
            records.Add(new(entry.Key, new StateRecord(entry.Applied, value, entry.Others).Encode()));
            entry.Changed = false;
        }

        cache.Changed.Clear();
        return records;
    }

    /// <summary>The records of the store's stream keys, without the segments of their values.</summary>
    private static IEnumerable<KeyValuePair<byte[], byte[]>> KeyRecords(IStateStore store) =>
        store.Records().Where(record => !Segments.IsSegment(record.Key));

    private Entry Load(byte[] key, int partition, byte[]? bytes, IStateStore store)
    {
        if (bytes is null)
        {
            return new Entry(key, partition) { Applied = RowPosition.None };
        }

        var record = StateRecord.Decode(bytes);
        var entry = new Entry(key, partition)
        {
            Applied = record.Applied,
            Others = record.Others,
            HasValue = record.Value is not null,
            Value = record.Value is { } value ? decode(value) : default!,
        };

        if (entry.HasValue && entry.Value is ISegmentedValue segmented)
        {
            var prefix = Segments.PrefixOf(key);
            segmented.LoadSegments(prefix.Length, store.Range(prefix));
            entry.Persisted = segmented;
        }

        return entry;
    }

    private sealed class Entry(byte[] key, int partition)
    {
        public byte[] Key { get; } = key;

        public int Partition { get; } = partition;

        public T Value { get; set; } = default!;

        public bool HasValue { get; set; }

        /// <summary>The last row applied from input 0.</summary>
        public RowPosition Applied { get; set; }

        /// <summary>With several inputs, the last row applied from each of inputs 1, 2, …; <see langword="null"/> until a row of one is.</summary>
        public RowPosition[]? Others { get; set; }

        public RowPosition AppliedOf(int input) =>
            input == 0 ? Applied : Others is { } others && input <= others.Length ? others[input - 1] : RowPosition.None;

        public void Apply(RowPosition row)
        {
            if (row.Input == 0)
            {
                Applied = row;
                return;
            }

            if (Others is null || Others.Length < row.Input)
            {
                var grown = new RowPosition[row.Input];
                Array.Fill(grown, RowPosition.None);
                Others?.CopyTo(grown, 0);
                Others = grown;
            }

            Others[row.Input - 1] = row;
        }

        public bool Changed { get; set; }

        /// <summary>The value whose segments the store holds for this key, if it is kept in segments.</summary>
        public ISegmentedValue? Persisted { get; set; }
    }

    private sealed class PartitionCache(IStateStore store)
    {
        public IStateStore Store { get; } = store;

        public Dictionary<byte[], Entry> Entries { get; } = new(ByteArrayComparer.Instance);

        public List<Entry> Changed { get; } = [];

        /// <summary>With a time to live: when a row last touched each key the partition holds (<see cref="TimeProvider"/> ticks).</summary>
        public Dictionary<byte[], long> Touched { get; } = new(ByteArrayComparer.Instance);

        /// <summary>With a time to live on data time: the latest row timestamp of the partition (nanoseconds).</summary>
        public long DataTime { get; set; } = long.MinValue;

        /// <summary>Records of keys forgotten since the last checkpoint (their segments' too), for <see cref="TakeChanges"/> to delete.</summary>
        public List<KeyValuePair<byte[], byte[]?>> Expired { get; } = [];
    }
}
