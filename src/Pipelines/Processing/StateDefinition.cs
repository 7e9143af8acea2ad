using System.ComponentModel;
using Pipelines.State;

namespace Pipelines.Infrastructure;

/// <summary>
/// The keyed state a processor declares: its name (which names its changelog topic and store directory) and its
/// contract. For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StateDefinition
{
    private readonly Func<StateTable> create;

    private StateDefinition(string name, Func<StateTable> create)
    {
        Name = name;
        this.create = create;
    }

    /// <summary>The state's name.</summary>
    public string Name { get; }

    /// <summary>State of contract <typeparamref name="T"/> named <paramref name="name"/>.</summary>
    public static StateDefinition Of<T>(string name)
        where T : IMessageContract<T>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new StateDefinition(name, () => new KeyedState<T>(name));
    }

    internal StateTable CreateTable() => create();
}
