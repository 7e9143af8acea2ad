using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Pipelines.Infrastructure;

/// <summary>
/// A row of a processor with three inputs: the row of one of them, and which (<see cref="Input"/>: 0, 1 or 2, for
/// <typeparamref name="T1"/>'s, <typeparamref name="T2"/>'s or <typeparamref name="T3"/>'s topic). See <see cref="Merged{T1, T2}"/>.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[StructLayout(LayoutKind.Auto)]
public readonly struct Merged<T1, T2, T3> : IMessageContract<Merged<T1, T2, T3>>
    where T1 : IMessageContract<T1>
    where T2 : IMessageContract<T2>
    where T3 : IMessageContract<T3>
{
    private static readonly MergedSerializer<Merged<T1, T2, T3>> Serializer = new(
        row => row.Input,
        new MergedInput<T1, Merged<T1, T2, T3>>(row => new(row), merged => merged.First!),
        new MergedInput<T2, Merged<T1, T2, T3>>(row => new(row), merged => merged.Second!),
        new MergedInput<T3, Merged<T1, T2, T3>>(row => new(row), merged => merged.Third!));

    /// <summary>A row of the first input.</summary>
    public Merged(T1 row) => (Input, First) = (0, row);

    /// <summary>A row of the second input.</summary>
    public Merged(T2 row) => (Input, Second) = (1, row);

    /// <summary>A row of the third input.</summary>
    public Merged(T3 row) => (Input, Third) = (2, row);

    /// <summary>Which input the row was read from: 0, 1 or 2.</summary>
    public int Input { get; }

    /// <summary>The row, when <see cref="Input"/> is 0.</summary>
    public T1? First { get; }

    /// <summary>The row, when <see cref="Input"/> is 1.</summary>
    public T2? Second { get; }

    /// <summary>The row, when <see cref="Input"/> is 2.</summary>
    public T3? Third { get; }

    static IMessageSerializer<Merged<T1, T2, T3>> IMessageContract<Merged<T1, T2, T3>>.Serializer => Serializer;
}
