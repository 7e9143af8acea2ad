namespace Pipelines.State;

/// <summary>A store in memory: nothing survives the process, so every assignment restores the whole changelog.</summary>
internal sealed class MemoryStateStore : IStateStore
{
    private readonly Dictionary<byte[], byte[]> records = new(ByteArrayComparer.Instance);

    public long ChangelogOffset { get; private set; } = -1;

    public byte[]? Get(byte[] key) => records.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<byte[], byte[]>> Records() => records;

    public void Write(IReadOnlyList<KeyValuePair<byte[], byte[]?>> changes, long changelogOffset)
    {
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                records.Remove(key);
            }
            else
            {
                records[key] = value;
            }
        }

        ChangelogOffset = Math.Max(ChangelogOffset, changelogOffset);
    }

    public void Dispose() => records.Clear();
}
