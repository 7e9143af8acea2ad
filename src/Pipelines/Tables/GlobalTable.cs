using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Pipelines.Tables;

namespace Pipelines;

/// <summary>
/// A topic read as a table: the latest row of each stream key, from every partition, kept in memory by every instance of
/// the processor (so a lookup by any key finds it, whatever partition the row being handled came from). For small
/// reference data: car setups, a device registry. A handler takes it as a parameter after its row,
/// <c>Handle(CarTelemetry row, GlobalTable&lt;CarSetup&gt; setups)</c>; the processor does not start handling rows until
/// the table has read its topic to the end it had at start, and it goes on reading updates as they come.
/// </summary>
/// <typeparam name="T">The table's contract (not a constraint: a type that is not one is PIPE024): its <c>[Topic]</c> is the topic read; its tags are the key.</typeparam>
/// <remarks>
/// A lookup never waits: it sees the updates read so far (the table and the rows are separate topics, so an update
/// written just before a row may be seen a moment after it). A tombstone (a message with no value) deletes its key.
/// </remarks>
public sealed class GlobalTable<T> : ITableRows<T>
{
    private readonly ConcurrentDictionary<string, T> rows = new(StringComparer.Ordinal);

    internal GlobalTable(string topic)
    {
        Topic = topic;
    }

    /// <summary>The topic read.</summary>
    public string Topic { get; }

    /// <summary>How many keys the table holds.</summary>
    public int Count => rows.Count;

    /// <summary>The latest row of <paramref name="key"/> (its stream key: the tags' text, several joined by <c>/</c>).</summary>
    /// <returns><see langword="false"/> if no row of that key was read, or its last message was a tombstone.</returns>
    public bool TryGet(string key, [MaybeNullWhen(false)] out T row)
    {
        ArgumentNullException.ThrowIfNull(key);
        return rows.TryGetValue(key, out row);
    }

    /// <summary>The latest row of <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
    public T? GetValueOrDefault(string key, T? fallback = default) => TryGet(key, out var row) ? row : fallback;

    void ITableRows<T>.Set(int partition, string key, T row) => rows[key] = row;

    void ITableRows<T>.Remove(string key) => rows.TryRemove(key, out _);

    void ITableRows<T>.Drop(int partition) =>
        throw new InvalidOperationException("A global table holds every partition; none is handed over.");
}
