using System.ComponentModel;
using Pipelines.Windows;

namespace Pipelines.Infrastructure;

/// <summary>What a windowed processor's generated row handler calls. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WindowCalls
{
    /// <summary>Takes <paramref name="row"/> into the windows of its stream key; what closes or updates goes to <paramref name="outputs"/>.</summary>
    /// <exception cref="LateRowException">Every window of the row has closed.</exception>
    public static ValueTask AddAsync<TIn, TOut>(StreamContext context, TIn row, Outputs<TOut> outputs)
        where TIn : IMessageContract<TIn>
        where TOut : IMessageContract<TOut> =>
        context.StateTable is WindowTable<TIn, TOut> windows
            ? windows.Add(row, outputs)
            : throw new InvalidOperationException($"This processor declares no windows over {typeof(TIn).Name}.");

    /// <summary>Built-in collect: <paramref name="rows"/> with <paramref name="row"/> added (the list is the window's own).</summary>
    public static List<TIn> Add<TIn>(List<TIn> rows, TIn row)
    {
        rows.Add(row);
        return rows;
    }

    /// <summary>Built-in collect: the rows of two windows that merge, the earlier first.</summary>
    public static List<TIn> Merge<TIn>(List<TIn> left, List<TIn> right)
    {
        var rows = new List<TIn>(left.Count + right.Count);
        rows.AddRange(left);
        rows.AddRange(right);
        return rows;
    }

    /// <summary><paramref name="stats"/> with <paramref name="row"/>'s <paramref name="value"/>, at the row's timestamp.</summary>
    public static WindowStats Add<TIn>(WindowStats stats, double value, TIn row)
        where TIn : IMessageContract<TIn> =>
        stats.Add(value, TIn.Serializer.TimestampOf(row) ?? throw new MessageFormatException($"A {typeof(TIn).Name} row has no timestamp, so it cannot be placed in a window."));
}
