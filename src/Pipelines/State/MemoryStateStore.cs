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

    public void Dispose()
    {
        records.Clear();
        segments.Clear();
    }
}
