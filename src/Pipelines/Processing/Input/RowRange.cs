namespace Pipelines.Processing;

/// <summary>
/// The rows one message carried: <paramref name="Count"/> rows from <paramref name="Start"/> in
/// <see cref="InputDeserializer{T}.Rows"/>, and its value's size. A message of another <paramref name="Type"/> (a
/// chunk, an event, a stream message) carries no rows; what it holds is <see cref="InputDeserializer{T}.Decoded"/>.
/// </summary>
internal readonly record struct RowRange(int Start, int Count, int Bytes, MessageType Type = MessageType.Row)
{
    public bool IsChunk => Type == MessageType.Chunk;

    public bool IsStreamMessage => Type is MessageType.Event or MessageType.StreamProperties or MessageType.StreamEnd;
}
