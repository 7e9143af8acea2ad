namespace Pipelines.Tables;

/// <summary>A table being read: what handlers look rows up in, and when its first load is done.</summary>
internal abstract class TableReader : IDisposable
{
    /// <summary>What a handler's parameter receives (a <see cref="GlobalTable{T}"/>).</summary>
    public abstract object Facade { get; }

    /// <summary>Done when the table has read its topic up to the end the topic had when reading began.</summary>
    public abstract Task Loaded { get; }

    public abstract void Dispose();
}
