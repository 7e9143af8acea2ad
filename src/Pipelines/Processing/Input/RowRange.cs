namespace Pipelines.Processing;

/// <summary>
/// The rows one message carried: <paramref name="Count"/> rows from <paramref name="Start"/> in
/// <see cref="InputDeserializer{T}.Rows"/>, and its value's size. A message of another <paramref name="Kind"/> (a
/// chunk, an event, a stream message) carries no rows; what it holds is <see cref="InputDeserializer{T}.Decoded"/>.
/// </summary>
internal readonly record struct RowRange(int Start, int Count, int Bytes, MessageKind Kind = MessageKind.Row)
{
    public bool IsChunk => Kind == MessageKind.Chunk;

    public bool IsStreamMessage => Kind is MessageKind.Event or MessageKind.StreamProperties or MessageKind.StreamEnd;
}
