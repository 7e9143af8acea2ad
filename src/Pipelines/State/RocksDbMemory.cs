using System.Collections.Concurrent;
using RocksDbSharp;

namespace Pipelines.State;

/// <summary>
/// One memory budget for every RocksDB store of the process that uses it: a block cache shared by all of them, which
/// also holds their memtables (a write buffer manager charges those to it), so the stores together stay within the
/// budget however many partitions are open, as Kafka Streams' bounded-memory configuration does. Each budget lives as
/// long as the process; stores of processors with the same budget share it.
/// </summary>
internal sealed class RocksDbMemory
{
    /// <summary>The budget when none is configured (<c>Pipelines:State:MemoryBytes</c>).</summary>
    public const long DefaultBytes = 128L * 1024 * 1024;

    // A memtable of a store this size at most; the write buffer manager flushes the largest when all of them together
    // reach half the budget, so a store with little state holds little memory.
    private const ulong WriteBufferBytes = 4 * 1024 * 1024;

    // A memtable takes memory in blocks of this size: every open store has one at least, so with hundreds of partitions
    // RocksDB's default (an eighth of the write buffer) would hold megabytes the budget does not see.
    private const ulong ArenaBlockBytes = 64 * 1024;

    private static readonly ConcurrentDictionary<long, RocksDbMemory> Budgets = new();

    private readonly IntPtr writeBufferManager;

    private RocksDbMemory(long bytes)
    {
        Bytes = bytes;
        Cache = Cache.CreateLru((ulong)bytes);
        writeBufferManager = Native.Instance.rocksdb_write_buffer_manager_create_with_cache((UIntPtr)(ulong)(bytes / 2), Cache.Handle, 0);
    }

    /// <summary>The budget in bytes: the shared cache's capacity, half of which memtables may take.</summary>
    public long Bytes { get; }

    /// <summary>The block cache every store of this budget reads through.</summary>
    public Cache Cache { get; }

    /// <summary>The budget of <paramref name="bytes"/>, shared with every store that asks for the same.</summary>
    public static RocksDbMemory Of(long bytes) => Budgets.GetOrAdd(bytes, static b => new RocksDbMemory(b));

    /// <summary>
    /// Options of one store under this budget, with small files: no space preallocated for logs and tables (a nearly
    /// empty store takes kilobytes, not the tens of megabytes RocksDB's defaults reserve), RocksDB's own log kept short.
    /// </summary>
    public DbOptions Options()
    {
        var table = new BlockBasedTableOptions()
            .SetBlockCache(Cache)
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true);
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize(WriteBufferBytes)
            .SetArenaBlockSize(ArenaBlockBytes)
            .SetMaxTotalWalSize(2 * WriteBufferBytes)
            .SetManifestPreallocationSize(64 * 1024)
            .SetKeepLogFileNum(2)
            .SetMaxLogFileSize(256 * 1024)
            .SetInfoLogLevel(InfoLogLevel.Warn)
            .SetStatsDumpPeriodSec(0);
        Native.Instance.rocksdb_options_set_allow_fallocate(options.Handle, 0);
        Native.Instance.rocksdb_options_set_write_buffer_manager(options.Handle, writeBufferManager);
        return options;
    }
}
