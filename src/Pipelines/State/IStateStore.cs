namespace Pipelines.State;

/// <summary>
/// The state of one processor's partition, by stream key: what its changelog holds up to
/// <see cref="ChangelogOffset"/>. Writes are atomic with the changelog offset they reach, so a store is never
/// ahead of or behind the offset it says it reflects. For the processing loop's thread only.
/// </summary>
internal interface IStateStore : IDisposable
{
    /// <summary>The changelog offset of the last record this store reflects; -1 when it reflects none.</summary>
    long ChangelogOffset { get; }

    /// <summary>
    /// Which changelog the store was built from (<see cref="Pipelines.Kafka.TopicIdentity"/>: its cluster and topic id), or
    /// <see langword="null"/> when it never said: offsets mean something only in that changelog.
    /// </summary>
    string? Changelog { get; }

    /// <summary>Records that the store reflects <paramref name="changelog"/>, before anything of it is written.</summary>
    void Bind(string changelog);

    /// <summary>The encoded <see cref="StateRecord"/> of <paramref name="key"/>, or <see langword="null"/>.</summary>
    byte[]? Get(byte[] key);

    /// <summary>Every record, by key: for state that must know all its keys after a restore.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Records();

    /// <summary>The records whose keys start with <paramref name="prefix"/>, in byte order of their keys (a value's <see cref="ISegmentedValue"/> segments).</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] prefix);

    /// <summary>
    /// Writes records (encoded <see cref="StateRecord"/>s; <see langword="null"/> deletes the key, as a changelog
    /// tombstone does) and the changelog offset they reach, all or nothing.
    /// </summary>
    void Write(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records, long changelogOffset);

    /// <summary>
    /// A batch for records read back from the changelog. The store may keep what such batches write in memory only until
    /// <see cref="PersistRestored"/> (the changelog holds them: a crash before then restores them again, from the offset the
    /// store reached on disk), so a restore is not slowed by a log of its own.
    /// </summary>
    IRestoreBatch BeginRestore();

    /// <summary>
    /// Makes what restore batches wrote as durable as any other write: during a long restore, so one cut short goes on
    /// from there, and at its end, before anything else is written.
    /// </summary>
    void PersistRestored();
}
