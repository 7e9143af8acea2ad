using System.ComponentModel;
using Pipelines.Processing;
using Pipelines.State;
using Pipelines.Windows;

namespace Pipelines.Infrastructure;

/// <summary>
/// The state a processor declares: keyed state of a contract, or windows. Its name names its changelog topic. For use
/// by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StateDefinition
{
    private readonly Func<object, ProcessorOptions, StateTable> create;

    private StateDefinition(string name, WindowDefinition? window, Func<object, ProcessorOptions, StateTable> create)
    {
        Name = name;
        Window = window;
        this.create = create;
    }

    /// <summary>The state's name.</summary>
    public string Name { get; }

    /// <summary>The windows, for a windowed processor; otherwise <see langword="null"/>.</summary>
    public WindowDefinition? Window { get; }

    /// <summary>State of contract <typeparamref name="T"/> named <paramref name="name"/>.</summary>
    public static StateDefinition Of<T>(string name)
        where T : IMessageContract<T>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new StateDefinition(name, null, (_, options) =>
        {
            var table = new KeyedState<T>(name, static value => MessageSerializer.ToMessagePack(value), static bytes => MessageSerializer.FromMessagePack<T>(bytes), options.StateTimeToLive, options.TimeProvider, options.StateTimeToLiveClock);
            table.Facade = new State<T>(table);
            return table;
        });
    }

    /// <summary>
    /// Windows named <paramref name="name"/> whose accumulator is the contract <typeparamref name="TAcc"/>; the processor
    /// implements <see cref="IWindowFunctions{TIn, TAcc, TOut}"/>.
    /// </summary>
    public static StateDefinition Windows<TIn, TAcc, TOut>(string name, WindowDefinition window)
        where TIn : IMessageContract<TIn>
        where TAcc : IMessageContract<TAcc>
        where TOut : IMessageContract<TOut>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(window);
        return new StateDefinition(name, window, (processor, options) => new WindowTable<TIn, TAcc, TOut>(
            name, Functions<TIn, TAcc, TOut>(processor), window, static value => MessageSerializer.ToMessagePack(value), static bytes => MessageSerializer.FromMessagePack<TAcc>(bytes), options));
    }

    /// <summary>Windows named <paramref name="name"/> that keep <see cref="WindowStats"/>; the processor implements <see cref="IWindowFunctions{TIn, TAcc, TOut}"/> with them.</summary>
    public static StateDefinition WindowStats<TIn, TOut>(string name, WindowDefinition window)
        where TIn : IMessageContract<TIn>
        where TOut : IMessageContract<TOut>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(window);
        return new StateDefinition(name, window, (processor, options) => new WindowTable<TIn, WindowStats, TOut>(
            name, Functions<TIn, WindowStats, TOut>(processor), window, Pipelines.WindowStats.Encode, Pipelines.WindowStats.Decode, options));
    }

    /// <summary>
    /// Windows named <paramref name="name"/> that keep their rows (built-in collect): the processor implements
    /// <see cref="IWindowFunctions{TIn, TAcc, TOut}"/> with a list of them, kept as packed rows.
    /// </summary>
    public static StateDefinition WindowRows<TIn, TOut>(string name, WindowDefinition window)
        where TIn : IMessageContract<TIn>
        where TOut : IMessageContract<TOut>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(window);
        return new StateDefinition(name, window, (processor, options) => new WindowTable<TIn, List<TIn>, TOut>(
            name,
            Functions<TIn, List<TIn>, TOut>(processor),
            window,
            static rows => MessageSerializer.ToMessagePackPacked<TIn>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows)),
            static bytes =>
            {
                var rows = new List<TIn>();
                MessageSerializer.FromMessagePackPacked<TIn>(bytes.AsSpan(), rows);
                return rows;
            },
            options));
    }

    /// <summary>The state's table for <paramref name="processor"/>, run with <paramref name="options"/>.</summary>
    internal StateTable CreateTable(object processor, ProcessorOptions options) => create(processor, options);

    private static IWindowFunctions<TIn, TAcc, TOut> Functions<TIn, TAcc, TOut>(object processor) =>
        processor as IWindowFunctions<TIn, TAcc, TOut>
        ?? throw new ArgumentException($"{processor.GetType().FullName} declares windows but does not implement {nameof(IWindowFunctions<TIn, TAcc, TOut>)}<{typeof(TIn).Name}, {typeof(TAcc).Name}, {typeof(TOut).Name}>.", nameof(processor));
}
