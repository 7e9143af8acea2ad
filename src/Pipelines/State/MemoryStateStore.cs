namespace Pipelines.State;

/// <summary>A store in memory: nothing survives the process, so every assignment restores the whole changelog.</summary>
internal sealed class MemoryStateStore : IStateStore
{
    private readonly Dictionary<byte[], byte[]> records = new(ByteArrayComparer.Instance);

    // Segment keys in byte order, for Range; stream keys need no order.
    private readonly SortedSet<byte[]> segments = new(ByteOrder.Instance);

    public long ChangelogOffset { get; private set; } = -1;

    public string? Changelog { get; private set; }

    public void Bind(string changelog) => Changelog = changelog;

    public byte[]? Get(byte[] key) => records.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<byte[], byte[]>> Records() => records;

    public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] prefix)
    {
        var upper = Segments.UpperBound(prefix) ?? throw new ArgumentException("A segment prefix is never all 0xFF bytes.", nameof(prefix));
        foreach (var key in segments.GetViewBetween(prefix, upper))
        {
            if (key.AsSpan().StartsWith(prefix))
            {
                yield return new(key, records[key]);
            }
        }
    }

    public void Write(IReadOnlyList<KeyValuePair<byte[], byte[]?>> changes, long changelogOffset)
    {
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                records.Remove(key);
                segments.Remove(key);
            }
            else
            {
                records[key] = value;
                if (Segments.IsSegment(key))
                {
                    segments.Add(key);
                }
            }
        }

        ChangelogOffset = Math.Max(ChangelogOffset, changelogOffset);
    }

    public IRestoreBatch BeginRestore() => new RestoreBatch(this);

    public void PersistRestored()
    {
    }

    public void Dispose()
    {
        records.Clear();
        segments.Clear();
    }

    /// <summary>The records of a restore, copied as they come: a store in memory keeps its own arrays anyway.</summary>
    private sealed class RestoreBatch(MemoryStateStore store) : IRestoreBatch
    {
        private readonly List<KeyValuePair<byte[], byte[]?>> pending = [];

        public int Count => pending.Count;

        public long Bytes { get; private set; }

        public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool tombstone)
        {
            pending.Add(new(key.ToArray(), tombstone ? null : value.ToArray()));
            Bytes += key.Length + value.Length;
        }

        public void Write(long changelogOffset)
        {
            store.Write(pending, changelogOffset);
            pending.Clear();
            Bytes = 0;
        }

        public void Dispose() => pending.Clear();
    }
}
