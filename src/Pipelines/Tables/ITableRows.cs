namespace Pipelines.Tables;

/// <summary>What a table's reader changes in the table handlers look rows up in.</summary>
internal interface ITableRows<T>
{
    /// <summary>The latest row of <paramref name="key"/>, read from <paramref name="partition"/>.</summary>
    void Set(int partition, string key, T row);

    /// <summary>A tombstone: <paramref name="key"/> has no row.</summary>
    void Remove(string key);

    /// <summary>Forgets the rows read from <paramref name="partition"/> (it was handed to another instance).</summary>
    void Drop(int partition);
}
