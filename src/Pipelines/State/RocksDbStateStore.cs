using System.Buffers.Binary;
using RocksDbSharp;

namespace Pipelines.State;

/// <summary>
/// A store in a RocksDB database on local disk (one directory per processor and partition), so a restarted instance
/// restores only the changelog written since its last checkpoint. RocksDB's own lock keeps a second process out.
/// </summary>
internal sealed class RocksDbStateStore : IStateStore
{
    // Records and the one metadata entry share the key space, told apart by their first byte.
    private const byte RecordPrefix = (byte)'s';
    private static readonly byte[] ChangelogOffsetKey = "m:changelog-offset"u8.ToArray();
    private static readonly byte[] ChangelogKey = "m:changelog"u8.ToArray();

    private readonly RocksDb db;
    // Not synced: a write lost in a machine crash is restored from the changelog, which holds it.
    private readonly WriteOptions writeOptions = new WriteOptions().SetSync(false);

    // A restore writes past RocksDB's own log: the changelog is that log. PersistRestored flushes what it wrote to disk.
    private readonly WriteOptions restoreOptions = new WriteOptions().SetSync(false).DisableWal(1);

    private RocksDbStateStore(RocksDb db)
    {
        this.db = db;
        var offset = db.Get(ChangelogOffsetKey);
        ChangelogOffset = offset is null ? -1 : BinaryPrimitives.ReadInt64BigEndian(offset);
        Changelog = db.Get(ChangelogKey) is { } changelog ? System.Text.Encoding.UTF8.GetString(changelog) : null;
    }

    public long ChangelogOffset { get; private set; }

    public string? Changelog { get; private set; }

    public void Bind(string changelog)
    {
        if (changelog != Changelog)
        {
            db.Put(ChangelogKey, System.Text.Encoding.UTF8.GetBytes(changelog), cf: null, writeOptions);
            Changelog = changelog;
        }
    }

    /// <summary>
    /// Opens (or creates) the database at <paramref name="path"/> within <paramref name="memory"/> (the default budget if
    /// none), after <paramref name="configure"/> had its say on the options.
    /// </summary>
    /// <exception cref="StateStoreException">Another process holds it, or it cannot be opened.</exception>
    public static RocksDbStateStore Open(string path, RocksDbMemory? memory = null, Action<DbOptions>? configure = null)
    {
        Directory.CreateDirectory(path);
        try
        {
            var options = (memory ?? RocksDbMemory.Of(RocksDbMemory.DefaultBytes)).Options();
            configure?.Invoke(options);
            return new RocksDbStateStore(RocksDb.Open(options, path));
        }
        catch (RocksDbException exception) when (exception.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            throw new StateStoreException($"The state store at '{path}' is in use by another process. Each instance needs a state directory of its own (Pipelines:StateDirectory).", exception);
        }
        catch (RocksDbException exception)
        {
            throw new StateStoreException($"The state store at '{path}' cannot be opened: {exception.Message}", exception);
        }
    }

    public byte[]? Get(byte[] key) => db.Get(Prefixed(key));

    public IEnumerable<KeyValuePair<byte[], byte[]>> Records()
    {
        using var iterator = db.NewIterator();
        for (iterator.Seek([RecordPrefix]); iterator.Valid(); iterator.Next())
        {
            var key = iterator.Key();
            if (key.Length == 0 || key[0] != RecordPrefix)
            {
                yield break;
            }

            yield return new(key[1..], iterator.Value());
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] prefix)
    {
        var prefixed = Prefixed(prefix);
        using var iterator = db.NewIterator();
        for (iterator.Seek(prefixed); iterator.Valid(); iterator.Next())
        {
            var key = iterator.Key();
            if (!key.AsSpan().StartsWith(prefixed))
            {
                yield break;
            }

            yield return new(key[1..], iterator.Value());
        }
    }

    public void Write(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records, long changelogOffset)
    {
        using var batch = new WriteBatch();
        foreach (var (key, value) in records)
        {
            if (value is null)
            {
                batch.Delete(Prefixed(key));
            }
            else
            {
                batch.Put(Prefixed(key), value);
            }
        }

        var offset = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(offset, Math.Max(ChangelogOffset, changelogOffset));
        batch.Put(ChangelogOffsetKey, offset);
        db.Write(batch, writeOptions);
        ChangelogOffset = Math.Max(ChangelogOffset, changelogOffset);
    }

    public IRestoreBatch BeginRestore() => new RestoreBatch(this);

    public void PersistRestored() => db.Flush(new FlushOptions().SetWaitForFlush(true));

    /// <summary>One of RocksDB's own properties (<c>rocksdb.block-cache-capacity</c>, say), as text.</summary>
    public string? Property(string name) => db.GetProperty(name);

    public void Dispose() => db.Dispose();

    /// <summary>A restore's records in one native write batch, each key prefixed in a reused buffer: nothing allocated per record.</summary>
    private sealed class RestoreBatch(RocksDbStateStore store) : IRestoreBatch
    {
        private readonly WriteBatch batch = new();
        private readonly byte[] offset = new byte[8];
        private byte[] key = new byte[256];

        public int Count { get; private set; }

        public long Bytes { get; private set; }

        public void Add(ReadOnlySpan<byte> recordKey, ReadOnlySpan<byte> value, bool tombstone)
        {
            if (key.Length < recordKey.Length + 1)
            {
                key = new byte[Math.Max(key.Length * 2, recordKey.Length + 1)];
            }

            key[0] = RecordPrefix;
            recordKey.CopyTo(key.AsSpan(1));
            var prefixed = key.AsSpan(0, recordKey.Length + 1);
            if (tombstone)
            {
                batch.Delete(prefixed);
            }
            else
            {
                batch.Put(prefixed, value);
            }

            Count++;
            Bytes += recordKey.Length + value.Length;
        }

        public void Write(long changelogOffset)
        {
            var reached = Math.Max(store.ChangelogOffset, changelogOffset);
            BinaryPrimitives.WriteInt64BigEndian(offset, reached);
            batch.Put(ChangelogOffsetKey, offset);
            store.db.Write(batch, store.restoreOptions);
            store.ChangelogOffset = reached;
            batch.Clear();
            (Count, Bytes) = (0, 0);
        }

        public void Dispose() => batch.Dispose();
    }

    private static byte[] Prefixed(byte[] key)
    {
        var prefixed = new byte[key.Length + 1];
        prefixed[0] = RecordPrefix;
        key.CopyTo(prefixed, 1);
        return prefixed;
    }
}
