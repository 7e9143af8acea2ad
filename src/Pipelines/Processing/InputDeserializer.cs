using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Reads input rows straight from the span Confluent.Kafka hands over, and keeps a copy of the raw bytes of the
/// messages consumed since <see cref="Clear"/> in one reused buffer: a message whose handler fails is
/// dead-lettered byte for byte, yet a message that succeeds costs no array of its own. A message that cannot
/// be read surfaces from <c>Consume</c> as a <see cref="ConsumeException"/> carrying its raw bytes.
/// </summary>
internal sealed class InputDeserializer<T> : IDeserializer<T>
    where T : IMessageContract<T>
{
    private readonly List<(int Start, int Length)> values = [];
    private byte[] raw = new byte[64 * 1024];
    private int used;

    /// <summary>How many messages were read since <see cref="Clear"/>; the next one gets this index.</summary>
    public int Count => values.Count;

    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            values.Add((-1, 0));
            throw MessageFormatException.Tombstone(T.Serializer.Schema);
        }

        Keep(data);
        return MessageSerializer.Deserialize<T>(data);
    }

    /// <summary>The raw value of the message read at <paramref name="index"/>, as a new array.</summary>
    public byte[]? Raw(int index)
    {
        var (start, length) = values[index];
        return start < 0 ? null : raw.AsSpan(start, length).ToArray();
    }

    /// <summary>Forgets the kept values; done before each fetch.</summary>
    public void Clear()
    {
        values.Clear();
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
