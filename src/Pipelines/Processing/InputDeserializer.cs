using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Reads input rows straight from the span Confluent.Kafka hands over, one row or a row batch (see
/// <see cref="MessageTypes"/>), into one list shared by the messages consumed since <see cref="Clear"/>; each
/// message's value is the range of its rows there. It also keeps a copy of the raw bytes of those messages in one
/// reused buffer: a message whose handler fails is dead-lettered byte for byte, yet a message that succeeds costs
/// no array of its own. A message that cannot be read surfaces from <c>Consume</c> as a
/// <see cref="ConsumeException"/> carrying its raw bytes.
/// </summary>
internal sealed class InputDeserializer<T> : IDeserializer<RowRange>
    where T : IMessageContract<T>
{
    private readonly List<(int Start, int Length)> values = [];
    private byte[] raw = new byte[64 * 1024];
    private int used;

    /// <summary>How many messages were read since <see cref="Clear"/>; the next one gets this index.</summary>
    public int Count => values.Count;

    /// <summary>How many raw bytes were kept since <see cref="Clear"/>.</summary>
    public int Bytes => used;

    /// <summary>The rows of the messages read since <see cref="Clear"/>, in order.</summary>
    public List<T> Rows { get; } = [];

    public RowRange Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            values.Add((-1, 0));
            throw MessageFormatException.Tombstone(T.Serializer.Schema);
        }

        Keep(data);
        var kind = MessageTypes.KindOf(context.Headers);
        return kind switch
        {
            MessageKind.Row => Read(data, kind),
            MessageKind.Rows => Read(data, kind),

            // A chunk waits for the rest of its message (see Reassembler); a stream message is read by the runner.
            _ => new RowRange(Rows.Count, 0, data.Length, kind),
        };
    }

    /// <summary>Reads a message joined from chunks, keeping it as the raw value at index <see cref="Count"/> - 1.</summary>
    /// <exception cref="MessageFormatException">The joined value is not valid.</exception>
    public RowRange ReadJoined(byte[] value, Headers headers)
    {
        Keep(value);
        var kind = MessageTypes.KindOf(headers);
        return kind is MessageKind.Row or MessageKind.Rows ? Read(value, kind) : new RowRange(Rows.Count, 0, value.Length, kind);
    }

    /// <summary>The raw value of the message read at <paramref name="index"/>, without a copy; valid until <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> RawSpan(int index)
    {
        var (start, length) = values[index];
        return start < 0 ? default : raw.AsSpan(start, length);
    }

    private RowRange Read(ReadOnlySpan<byte> data, MessageKind kind)
    {
        var start = Rows.Count;
        if (typeof(T) == typeof(NoOutput))
        {
            // A processor that handles only events: its topic's rows are not its concern, and are not read.
            return new RowRange(start, 0, data.Length, kind);
        }

        if (kind == MessageKind.Row)
        {
            Rows.Add(MessageSerializer.Deserialize<T>(data));
            return new RowRange(start, 1, data.Length);
        }

        try
        {
            return new RowRange(start, MessageSerializer.DeserializeBatch(data, Rows), data.Length);
        }
        catch
        {
            // A batch that fails part-way leaves no rows behind: the message is dead-lettered whole.
            Rows.RemoveRange(start, Rows.Count - start);
            throw;
        }
    }

    /// <summary>The raw value of the message read at <paramref name="index"/>, as a new array.</summary>
    public byte[]? Raw(int index)
    {
        var (start, length) = values[index];
        return start < 0 ? null : raw.AsSpan(start, length).ToArray();
    }

    /// <summary>Forgets the kept values and rows; done before each fetch round.</summary>
    public void Clear()
    {
        values.Clear();
        Rows.Clear();
        used = 0;
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (raw.Length - used < data.Length)
        {
            Array.Resize(ref raw, Math.Max(raw.Length * 2, used + data.Length));
        }

        data.CopyTo(raw.AsSpan(used));
        values.Add((used, data.Length));
        used += data.Length;
    }
}

/// <summary>
/// The rows one message carried: <paramref name="Count"/> rows from <paramref name="Start"/> in
/// <see cref="InputDeserializer{T}.Rows"/>, and its value's size. A message of another <paramref name="Kind"/> (a
/// chunk, an event, a stream message) carries no rows; its raw value is read by the runner.
/// </summary>
internal readonly record struct RowRange(int Start, int Count, int Bytes, MessageKind Kind = MessageKind.Row)
{
    public bool IsChunk => Kind == MessageKind.Chunk;

    public bool IsStreamMessage => Kind is MessageKind.Event or MessageKind.StreamProperties or MessageKind.StreamEnd;
}
