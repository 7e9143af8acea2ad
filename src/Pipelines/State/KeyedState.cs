using System.Text;

namespace Pipelines.State;

/// <summary>The keyed state of one contract: values are kept deserialized in the cache, serialized at checkpoints.</summary>
internal sealed class KeyedState<T> : StateTable
    where T : IMessageContract<T>
{
    private readonly Dictionary<int, PartitionCache> partitions = [];
    private Entry? current;
    private RowPosition position;
    private (T Value, bool HasValue) before;

    public KeyedState(string name)
    {
        Name = name;
        Facade = new State<T>(this);
    }

    public override string Name { get; }

    public override IReadOnlyCollection<int> Partitions => partitions.Keys;

    /// <summary>What handlers see; bound to the current call's stream.</summary>
    public State<T> Facade { get; }

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

    public override void Open(int partition, IStateStore store) => partitions[partition] = new PartitionCache(store);

    public override IStateStore? Close(int partition) =>
        partitions.Remove(partition, out var cache) ? cache.Store : null;

    public override IStateStore? StoreOf(int partition) => partitions.GetValueOrDefault(partition)?.Store;

    public override bool Begin(int partition, byte[]? key, RowPosition position)
    {
        if (!partitions.TryGetValue(partition, out var cache))
        {
            throw new InvalidOperationException($"The state of partition {partition} is not open: rows were handled before it was restored.");
        }

        key ??= [];
        if (!cache.Entries.TryGetValue(key, out var entry))
        {
            entry = Load(cache.Store, partition, key);
            cache.Entries.Add(key, entry);
        }

        if (position <= entry.Applied)
        {
            current = null;
            return false;
        }

        current = entry;
        this.position = position;
        before = (entry.Value, entry.HasValue);
        return true;
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

        entry.Applied = position;
        if (!entry.Changed && partitions.TryGetValue(entry.Partition, out var cache))
        {
            entry.Changed = true;
            cache.Changed.Add(entry);
        }

        current = null;
    }

    public override List<KeyValuePair<byte[], byte[]>> TakeChanges(int partition)
    {
        var records = new List<KeyValuePair<byte[], byte[]>>();
        if (!partitions.TryGetValue(partition, out var cache))
        {
            return records;
        }

        foreach (var entry in cache.Changed)
        {
            var value = entry.HasValue ? MessageSerializer.Serialize(entry.Value) : null;
            records.Add(new(entry.Key, new StateRecord(entry.Applied, value).Encode()));
            entry.Changed = false;
        }

        cache.Changed.Clear();
        return records;
    }

    private static Entry Load(IStateStore store, int partition, byte[] key)
    {
        if (store.Get(key) is not { } bytes)
        {
            return new Entry(key, partition) { Applied = RowPosition.None };
        }

        var record = StateRecord.Decode(bytes);
        return new Entry(key, partition)
        {
            Applied = record.Applied,
            HasValue = record.Value is not null,
            Value = record.Value is { } value ? MessageSerializer.Deserialize<T>(value) : default!,
        };
    }

    private sealed class Entry(byte[] key, int partition)
    {
        public byte[] Key { get; } = key;

        public int Partition { get; } = partition;

        public T Value { get; set; } = default!;

        public bool HasValue { get; set; }

        public RowPosition Applied { get; set; }

        public bool Changed { get; set; }
    }

    private sealed class PartitionCache(IStateStore store)
    {
        public IStateStore Store { get; } = store;

        public Dictionary<byte[], Entry> Entries { get; } = new(ByteArrayComparer.Instance);

        public List<Entry> Changed { get; } = [];
    }
}
