using Pipelines.State;

namespace Pipelines;

/// <summary>
/// A processor's state for the stream being handled: one value of the contract <typeparamref name="T"/> per stream
/// key and partition, kept in a local store and a changelog topic, so it survives restarts and moves with its
/// partition. A handler reads and assigns <see cref="Value"/>; what it assigns is kept once the call succeeds (a
/// failed call's assignments are undone) and reaches the changelog at the next commit. After a crash the state is
/// that of the committed input handled once: rows already applied to it are not handled again.
/// </summary>
/// <remarks>
/// Assign a new value rather than changing the one read in place: in-place changes to a class are not undone when
/// the call fails. A record struct contract makes that natural (<c>state.Value = state.Value with { Lap = 2 }</c>).
/// The instance is refilled for every call; do not keep it after the call returns.
/// </remarks>
/// <typeparam name="T">
/// The state's contract (<see cref="MessageContractAttribute"/>). Not a constraint: a type without the attribute is the
/// analyzer's PIPE020, which says what to add, rather than the compiler's CS0311, which hides every other diagnostic.
/// </typeparam>
public sealed class State<T>
{
    private readonly KeyedState<T> table;

    internal State(KeyedState<T> table) => this.table = table;

    /// <summary>Whether the stream has a value.</summary>
    public bool HasValue => table.HasValue;

    /// <summary>The stream's value; assigning it replaces it.</summary>
    /// <exception cref="InvalidOperationException">Read while the stream has none (see <see cref="HasValue"/>, <see cref="GetValueOrDefault"/>).</exception>
    public T Value
    {
        get => table.HasValue ? table.Value : throw new InvalidOperationException($"The stream '{table.StreamKey}' has no {typeof(T).Name} state yet; check HasValue or use GetValueOrDefault.");
        set => table.Set(value);
    }

    /// <summary>The stream's value, or <paramref name="fallback"/> when it has none.</summary>
    public T GetValueOrDefault(T fallback) => table.HasValue ? table.Value : fallback;

    /// <summary>Forgets the stream's value.</summary>
    public void Clear() => table.Clear();
}
