namespace Pipelines.State;

/// <summary>
/// Changelog records read back into a store during a restore, written together with the changelog offset they reach,
/// without a copy of each record on the managed heap where the store can avoid one. Reused for the whole restore of
/// its store; for the restoring thread only.
/// </summary>
internal interface IRestoreBatch : IDisposable
{
    /// <summary>How many records wait to be written.</summary>
    int Count { get; }

    /// <summary>How many bytes of keys and values wait to be written.</summary>
    long Bytes { get; }

    /// <summary>Adds a record: the key's value, or its deletion when <paramref name="tombstone"/> (what a changelog tombstone says).</summary>
    void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool tombstone);

    /// <summary>Writes the records added and <paramref name="changelogOffset"/> together, all or nothing, and empties the batch.</summary>
    void Write(long changelogOffset);
}
