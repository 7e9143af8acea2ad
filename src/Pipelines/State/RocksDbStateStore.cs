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

    /// <summary>Opens (or creates) the database at <paramref name="path"/>.</summary>
    /// <exception cref="StateStoreException">Another process holds it, or it cannot be opened.</exception>
    public static RocksDbStateStore Open(string path)
    {
        Directory.CreateDirectory(path);
        try
        {
            return new RocksDbStateStore(RocksDb.Open(new DbOptions().SetCreateIfMissing(true), path));
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

    public void Dispose() => db.Dispose();

    private static byte[] Prefixed(byte[] key)
    {
        var prefixed = new byte[key.Length + 1];
        prefixed[0] = RecordPrefix;
        key.CopyTo(prefixed, 1);
        return prefixed;
    }
}
