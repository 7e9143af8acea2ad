namespace Pipelines.Tables;

/// <summary>A table being read: what handlers look rows up in, when it is ready, and which partitions it holds.</summary>
internal abstract class TableReader : IDisposable
{
    /// <summary>What a handler's parameter receives (a <see cref="GlobalTable{T}"/> or a <see cref="Table{T}"/>).</summary>
    public abstract object Facade { get; }

    /// <summary>
    /// Done when rows may be handled: a global table has read its topic up to the end the topic had when reading began;
    /// a partitioned one has found its topic co-partitioned with the input (it loads partitions as they are assigned).
    /// Faulted, with the reason, when the table cannot be read.
    /// </summary>
    public abstract Task Loaded { get; }

    /// <summary>Whether the table holds only the partitions the processor is assigned (a <see cref="Table{T}"/>).</summary>
    public abstract bool IsPartitioned { get; }

    /// <summary>Starts reading <paramref name="partitions"/>; done when each holds what it had when asked (a global table holds every partition already).</summary>
    public abstract Task Assign(IReadOnlyCollection<int> partitions);

    /// <summary>Stops reading <paramref name="partitions"/> and forgets their rows.</summary>
    public abstract void Revoke(IReadOnlyCollection<int> partitions);

    public abstract void Dispose();
}
