using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Pipelines.Infrastructure;

/// <summary>
/// A row of a processor with two inputs: the row of one of them, and which (<see cref="Input"/>: 0 for
/// <typeparamref name="T1"/>'s topic, 1 for <typeparamref name="T2"/>'s). The loop reads each topic's rows with its own
/// contract and hands them on in fetch order as one input; generated code passes each to the handler of its type.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[StructLayout(LayoutKind.Auto)]
public readonly struct Merged<T1, T2> : IMessageContract<Merged<T1, T2>>
    where T1 : IMessageContract<T1>
    where T2 : IMessageContract<T2>
{
    private static readonly MergedSerializer<Merged<T1, T2>> Serializer = new(
        row => row.Input,
        new MergedInput<T1, Merged<T1, T2>>(row => new(row), merged => merged.First!),
        new MergedInput<T2, Merged<T1, T2>>(row => new(row), merged => merged.Second!));

    /// <summary>A row of the first input.</summary>
    public Merged(T1 row) => (Input, First) = (0, row);

    /// <summary>A row of the second input.</summary>
    public Merged(T2 row) => (Input, Second) = (1, row);

    /// <summary>Which input the row was read from: 0 or 1.</summary>
    public int Input { get; }

    /// <summary>The row, when <see cref="Input"/> is 0.</summary>
    public T1? First { get; }

    /// <summary>The row, when <see cref="Input"/> is 1.</summary>
    public T2? Second { get; }

    static IMessageSerializer<Merged<T1, T2>> IMessageContract<Merged<T1, T2>>.Serializer => Serializer;
}
