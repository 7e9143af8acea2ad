namespace Pipelines.Infrastructure;

/// <summary>
/// The serializer of a processor's merged input (<see cref="Merged{T1, T2}"/>): a row is read with the contract of the
/// topic it came from, which a message's bytes alone do not tell, so the reader says which input it is.
/// </summary>
internal interface IMergedSerializer<T>
{
    /// <summary>Reads one row of input <paramref name="input"/>.</summary>
    /// <exception cref="MessageFormatException">The bytes are not a row of that input's contract.</exception>
    T Read(int input, ReadOnlySpan<byte> bytes);

    /// <summary>Reads packed rows of input <paramref name="input"/> and appends them to <paramref name="rows"/>; returns how many.</summary>
    /// <exception cref="MessageFormatException">The bytes are not packed rows of that input's contract; nothing is appended.</exception>
    int ReadPacked(int input, ReadOnlySpan<byte> bytes, List<T> rows);

    /// <summary>The contract's schema of input <paramref name="input"/>.</summary>
    MessageSchema SchemaOf(int input);
}
