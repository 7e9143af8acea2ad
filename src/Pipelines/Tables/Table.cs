using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Pipelines.Tables;

namespace Pipelines;

/// <summary>
/// A topic read as a table, partition by partition alongside the input: the latest row of each stream key in the
/// partitions this instance is assigned. The table's topic must be <em>co-partitioned</em> with the input (as many
/// partitions, keys written with the same partitioner), so the table row of a stream key is in the partition number
/// its rows are; the processor checks the partition counts when it starts. A handler takes it as a parameter after its
/// row, <c>Handle(CarTelemetry row, Table&lt;CarSetup&gt; setups)</c>, and looks up the row's own key. When partitions
/// are assigned, their rows wait until the table has read those partitions to the end they had then.
/// </summary>
/// <typeparam name="T">The table's contract (not a constraint: a type that is not one is PIPE024): its <c>[Topic]</c> is the topic read; its tags are the key, and should be those of the input.</typeparam>
/// <remarks>
/// Each instance keeps only its share of the table, so a table too large for one instance's memory scales out with the
/// group; for small reference data looked up by any key use <see cref="GlobalTable{T}"/>. A lookup never waits: it sees
/// the updates read so far. A tombstone (a message with no value) deletes its key.
/// </remarks>
public sealed class Table<T> : ITableRows<T>
{
    private readonly ConcurrentDictionary<string, (int Partition, T Row)> rows = new(StringComparer.Ordinal);

    internal Table(string topic)
    {
        Topic = topic;
    }

    /// <summary>The topic read.</summary>
    public string Topic { get; }

    /// <summary>How many keys this instance holds (those of its assigned partitions).</summary>
    public int Count => rows.Count;

    /// <summary>The latest row of <paramref name="key"/> (its stream key: the tags' text, several joined by <c>/</c>).</summary>
    /// <returns><see langword="false"/> if no row of that key was read, its last message was a tombstone, or its partition is not this instance's.</returns>
    public bool TryGet(string key, [MaybeNullWhen(false)] out T row)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (rows.TryGetValue(key, out var entry))
        {
            row = entry.Row;
            return true;
        }

        row = default;
        return false;
    }

    /// <summary>The latest row of <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
    public T? GetValueOrDefault(string key, T? fallback = default) => TryGet(key, out var row) ? row : fallback;

    void ITableRows<T>.Set(int partition, string key, T row) => rows[key] = (partition, row);

    void ITableRows<T>.Remove(string key) => rows.TryRemove(key, out _);

    void ITableRows<T>.Drop(int partition)
    {
        foreach (var (key, entry) in rows)
        {
            if (entry.Partition == partition)
            {
                rows.TryRemove(key, out _);
            }
        }
    }
}
