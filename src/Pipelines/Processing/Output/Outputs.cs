using System.ComponentModel;
using Pipelines.Processing;
using System.Runtime.CompilerServices;

namespace Pipelines.Infrastructure;

/// <summary>
/// Collects what a handler returns, whatever its shape: one row, none (<see langword="null"/>), several, now or
/// later. Generated handler calls go through here so that the runner sees one list. The rows are produced only
/// after the handler succeeded, so a failed attempt that is retried or dead-lettered leaves no partial output.
/// One instance per processor is reused for every call; a handler never sees it.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Outputs<TOut>
    where TOut : IMessageContract<TOut>
{
    private readonly List<TOut> rows = [];

    internal List<TOut> Rows => rows;

    /// <summary>Adds one row; <see langword="null"/> adds nothing.</summary>
    public ValueTask Add(TOut? row)
    {
        if (row is not null)
        {
            rows.Add(row);
        }

        return default;
    }

    /// <summary>Adds the row a handler returns later; no allocation when it has already returned.</summary>
    public ValueTask Add(ValueTask<TOut?> pending) =>
        pending.IsCompletedSuccessfully ? Add(pending.Result) : AddLater(pending);

    /// <inheritdoc cref="Add(ValueTask{TOut})"/>
    public ValueTask Add(Task<TOut?> pending) =>
        pending.IsCompletedSuccessfully ? Add(pending.Result) : AddLater(new ValueTask<TOut?>(pending));

    /// <summary>Adds every row of a collection; <see langword="null"/> adds nothing.</summary>
    public ValueTask AddRange<TRows>(TRows? batch)
        where TRows : IEnumerable<TOut>
    {
        switch (batch)
        {
            case null:
                break;
            case IReadOnlyList<TOut> list:
                // Indexing avoids boxing a list's struct enumerator on every call.
                for (var i = 0; i < list.Count; i++)
                {
                    Add(list[i]);
                }

                break;
            default:
                foreach (var row in batch)
                {
                    Add(row);
                }

                break;
        }

        return default;
    }

    /// <summary>Adds every row of a collection a handler returns later.</summary>
    public ValueTask AddRange<TRows>(ValueTask<TRows?> pending)
        where TRows : IEnumerable<TOut> =>
        pending.IsCompletedSuccessfully ? AddRange(pending.Result) : AddRangeLater(pending);

    /// <inheritdoc cref="AddRange{TRows}(ValueTask{TRows})"/>
    public ValueTask AddRange<TRows>(Task<TRows?> pending)
        where TRows : IEnumerable<TOut> =>
        pending.IsCompletedSuccessfully ? AddRange(pending.Result) : AddRangeLater(new ValueTask<TRows?>(pending));

    internal void Clear() => rows.Clear();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AddLater(ValueTask<TOut?> pending) => await Add(await pending.ConfigureAwait(false)).ConfigureAwait(false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AddRangeLater<TRows>(ValueTask<TRows?> pending)
        where TRows : IEnumerable<TOut> => await AddRange(await pending.ConfigureAwait(false)).ConfigureAwait(false);
}
