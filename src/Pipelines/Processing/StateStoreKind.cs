namespace Pipelines.Processing;

/// <summary>Where a processor keeps its keyed state between checkpoints (<see cref="ProcessorOptions.StateStore"/>).</summary>
public enum StateStoreKind
{
    /// <summary>A RocksDB database on local disk, under <see cref="ProcessorOptions.StateDirectory"/>.</summary>
    RocksDb,

    /// <summary>In memory: the whole changelog is read back on every start.</summary>
    Memory,
}
