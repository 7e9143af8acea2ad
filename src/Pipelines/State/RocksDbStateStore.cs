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

    private readonly RocksDb db;
    private readonly WriteOptions sync = new WriteOptions().SetSync(false);

    private RocksDbStateStore(RocksDb db, string path)
    {
        this.db = db;
        Path = path;
        var offset = db.Get(ChangelogOffsetKey);
        ChangelogOffset = offset is null ? -1 : BinaryPrimitives.ReadInt64BigEndian(offset);
    }

    /// <summary>The database's directory.</summary>
    public string Path { get; }

    public long ChangelogOffset { get; private set; }

    public long Count => long.TryParse(db.GetProperty("rocksdb.estimate-num-keys"), out var count) ? Math.Max(0, count - 1) : 0;

    /// <summary>Opens (or creates) the database at <paramref name="path"/>.</summary>
    /// <exception cref="StateStoreException">Another process holds it, or it cannot be opened.</exception>
    public static RocksDbStateStore Open(string path)
    {
        Directory.CreateDirectory(path);
        try
        {
            return new RocksDbStateStore(RocksDb.Open(new DbOptions().SetCreateIfMissing(true), path), path);
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

    public void Write(IReadOnlyList<KeyValuePair<byte[], byte[]>> records, long changelogOffset)
    {
        using var batch = new WriteBatch();
        foreach (var (key, value) in records)
        {
            batch.Put(Prefixed(key), value);
        }

        var offset = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(offset, Math.Max(ChangelogOffset, changelogOffset));
        batch.Put(ChangelogOffsetKey, offset);
        db.Write(batch, sync);
        ChangelogOffset = Math.Max(ChangelogOffset, changelogOffset);
    }

    public void Dispose() => db.Dispose();

    private static byte[] Prefixed(byte[] key)
    {
        var prefixed = new byte[key.Length + 1];
        prefixed[0] = RecordPrefix;
        key.CopyTo(prefixed, 1);
        return prefixed;
    }
}
