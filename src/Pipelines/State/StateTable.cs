namespace Pipelines.State;

/// <summary>
/// A processor's keyed state as the loop drives it, whatever its contract: per partition, a cache of stream keys in
/// front of the partition's store. A row handler's call is bracketed: <see cref="Begin"/> finds the row's key (and
/// says whether the row was already applied to it), <see cref="Rewind"/> undoes a failed attempt, <see cref="Commit"/>
/// keeps a successful one. What changed waits in the cache until <see cref="TakeChanges"/> at a checkpoint, so a key
/// updated many times between checkpoints costs one changelog record and one store write. For the loop's thread only.
/// </summary>
internal abstract class StateTable
{
    /// <summary>The store's name, part of its changelog topic's name and its directory's.</summary>
    public abstract string Name { get; }

    /// <summary>The partitions whose stores are open.</summary>
    public abstract IReadOnlyCollection<int> Partitions { get; }

    /// <summary>Serves <paramref name="partition"/> from <paramref name="store"/>, restored already.</summary>
    public abstract void Open(int partition, IStateStore store);

    /// <summary>Stops serving <paramref name="partition"/> and hands back its store (to dispose), forgetting what was not taken.</summary>
    public abstract IStateStore? Close(int partition);

    /// <summary>The store of <paramref name="partition"/>, if open.</summary>
    public abstract IStateStore? StoreOf(int partition);

    /// <summary>
    /// Binds the state to the stream <paramref name="key"/> of <paramref name="partition"/> for the row at
    /// <paramref name="position"/>; false when that row was already applied to it (it was handled before a restart,
    /// and its outputs acknowledged), so it must not be handled again.
    /// </summary>
    public abstract bool Begin(int partition, byte[]? key, RowPosition position);

    /// <summary>
    /// Widens the current call to the rows up to <paramref name="last"/> (a batch handler's rows of one stream, bound at
    /// the first not yet applied): its <see cref="Commit"/> marks them all applied.
    /// </summary>
    public abstract void Reach(RowPosition last);

    /// <summary>
    /// Tells the state the data time of the row about to be bound in <paramref name="partition"/>, for a time to live on
    /// <see cref="StateClock.DataTime"/>; otherwise ignored.
    /// </summary>
    public virtual void Observe(int partition, long timestamp)
    {
    }

    /// <summary>Undoes what the current call changed: before a retry, or when the call failed for good.</summary>
    public abstract void Rewind();

    /// <summary>Keeps what the current call changed, and that its row is applied.</summary>
    public abstract void Commit();

    /// <summary>The records of the keys changed since the last time, encoded; they count as unchanged from here on.</summary>
    public abstract List<KeyValuePair<byte[], byte[]?>> TakeChanges(int partition);

    /// <summary>
    /// Forgets the keys of <paramref name="partition"/> no row has touched for the state's time to live, if it has one
    /// (and whose value may go): each is dropped from the cache and reported by <see cref="TakeChanges"/>, called next,
    /// as a deletion. Returns how many.
    /// </summary>
    public abstract int Expire(int partition);

    /// <summary>How many stream keys the cache holds, over the open partitions.</summary>
    public abstract long CachedKeys { get; }

    /// <summary>How many rows found their key in the cache, and how many had to read it from the store, since the last time.</summary>
    public abstract (long Hits, long Misses) TakeLookups();
}
