namespace Pipelines.Processing;

/// <summary>
/// Tunes one state store's RocksDB options before it opens, after Pipelines set its own: the shared memory budget (block
/// cache and write buffer manager), small preallocations, a short log. Register one in the container
/// (<c>services.AddSingleton&lt;ConfigureRocksDb&gt;((options, store) =&gt; …)</c>) or set
/// <see cref="ProcessorOptions.ConfigureRocksDb"/>. Replacing the block cache or the write buffer manager takes the store
/// out of the budget.
/// </summary>
/// <param name="options">The options the store opens with.</param>
/// <param name="store">Which store is opening.</param>
public delegate void ConfigureRocksDb(RocksDbSharp.DbOptions options, RocksDbStore store);

/// <summary>A RocksDB state store about to open.</summary>
/// <param name="Processor">The processor's name.</param>
/// <param name="State">The state's name (<c>state</c>, <c>windows</c>, <c>join</c>).</param>
/// <param name="Partition">The input partition whose state it keeps.</param>
/// <param name="Directory">Where it is kept on disk.</param>
public readonly record struct RocksDbStore(string Processor, string State, int Partition, string Directory);
