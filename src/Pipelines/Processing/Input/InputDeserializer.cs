using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Reads every input message, whatever its <see cref="MessageTypes.Header"/> says it holds, straight from the
/// span Confluent.Kafka hands over: rows (one row or packed rows) into one list shared by the messages consumed
/// since <see cref="Clear"/>, events and stream messages into objects, a chunk's split headers into a
/// <see cref="SplitPart"/>. This is the one place a message is read: anything wrong with one, in its headers or
/// its value, throws <see cref="MessageFormatException"/> with the reason, and a message consumed through it then
/// surfaces from <c>Consume</c> as a <see cref="ConsumeException"/> carrying its raw bytes, to be dead-lettered.
/// It also keeps a copy of each message's value as consumed in one reused buffer, at the message's <em>slot</em>: a
/// message whose handler fails is dead-lettered byte for byte, yet a message that succeeds costs no array of its own.
/// One reader serves one fetch round at a time (see <see cref="InputFetcher{TIn, TOut}"/>).
/// A processor with several inputs reads <see cref="Merged{T1, T2}"/> rows: each message's with the contract of the
/// topic it came from (<paramref name="inputOf"/>).
/// </summary>
/// <param name="maxSplitMessageBytes">The largest split message joined (<see cref="ProcessorOptions.MaxSplitMessageBytes"/>), which bounds a chunk's count.</param>
/// <param name="formats">Each input's topic format (<see cref="ContractFormat.OfInputs{T}"/>), in the order of the inputs.</param>
/// <param name="inputOf">Which input a topic is (<see cref="ProcessorOptions.InputOf"/>); needed for a merged input only.</param>
internal sealed class InputDeserializer<T>(long maxSplitMessageBytes, ContractFormat<T>[] formats, Func<string?, int>? inputOf = null) : IDeserializer<RowRange>
    where T : IMessageContract<T>
{

    private readonly List<Kept> values = [];

    // Rows of the message read last whose JSON object had no time: their message's Kafka timestamp is theirs (Stamp).
    private readonly List<int> untimed = [];
    private byte[] kept = new byte[64 * 1024];
    private int used;

    /// <summary>How many messages were read since <see cref="Clear"/>; the next one gets this slot.</summary>
    public int Count => values.Count;

    /// <summary>How many value bytes were kept since <see cref="Clear"/>.</summary>
    public int Bytes => used;

    /// <summary>The rows of the messages read since <see cref="Clear"/>, in order.</summary>
    public List<T> Rows { get; } = [];

    public RowRange Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        var input = formats.Length == 1 ? 0 : inputOf!(context.Topic);
        if (isNull)
        {
            values.Add(new Kept(-1, 0, null));
            throw MessageFormatException.Tombstone(SchemaOf(input));
        }

        Keep(data);
        return Read(data, context.Headers, input);
    }

    /// <summary>Reads a message of <paramref name="input"/> joined from chunks, or held past its round, keeping its value at slot <see cref="Count"/> - 1.</summary>
    /// <exception cref="MessageFormatException">The message is not valid.</exception>
    public RowRange ReadKept(byte[] value, Headers? headers, int input = 0)
    {
        Keep(value);
        return Read(value, headers, input);
    }

    /// <summary>The value, as consumed, of the message read at <paramref name="slot"/>, without a copy; valid until <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> ValueSpan(int slot)
    {
        var value = values[slot];
        return value.Start < 0 ? default : kept.AsSpan(value.Start, value.Length);
    }

    /// <summary>The value, as consumed, of the message read at <paramref name="slot"/>, as a new array.</summary>
    public byte[]? Value(int slot) => values[slot].Start < 0 ? null : ValueSpan(slot).ToArray();

    /// <summary>
    /// What the message read at <paramref name="slot"/> holds besides rows: a <see cref="StreamEvent"/>, a
    /// <see cref="StreamProperties"/>, a <see cref="StreamEnd"/> or a chunk's <see cref="SplitPart"/>.
    /// </summary>
    public object? Decoded(int slot) => values[slot].Decoded;

    /// <summary>
    /// Gives the rows just read whose JSON object carried no time the Kafka timestamp of their message, as a writer that
    /// puts the time only there (Quix Streams, most services) means it; called once the message's timestamp is known.
    /// </summary>
    public void Stamp(Timestamp timestamp) => Stamp(Rows, untimed, timestamp);

    /// <summary>Gives the <paramref name="untimed"/> of <paramref name="rows"/> the Kafka timestamp of their message, then forgets them.</summary>
    internal static void Stamp(List<T> rows, List<int> untimed, Timestamp timestamp)
    {
        if (untimed.Count == 0)
        {
            return;
        }

        var nanoseconds = checked(timestamp.UnixTimestampMs * 1_000_000);
        foreach (var row in untimed)
        {
            rows[row] = T.Serializer.WithTimestamp(rows[row], nanoseconds);
        }

        untimed.Clear();
    }

    /// <summary>Forgets the kept values and rows; done before each fetch round.</summary>
    public void Clear()
    {
        untimed.Clear();
        values.Clear();
        Rows.Clear();
        used = 0;
    }

    private RowRange Read(ReadOnlySpan<byte> data, Headers? headers, int input)
    {
        var type = MessageTypes.TypeOf(headers);
        try
        {
            switch (type)
            {
                case MessageType.Row or MessageType.Rows:
                    return ReadRows(data, type, input);
                case MessageType.Chunk:
                    // Only the headers now: the value waits for the rest of its message (see Reassembler).
                    Decode(SplitHeaders.Read(headers!, maxSplitMessageBytes));
                    break;
                case MessageType.Event:
                    Decode(StreamCodec.ReadEvent(data));
                    break;
                case MessageType.StreamProperties:
                    Decode(StreamCodec.ReadProperties(data));
                    break;
                case MessageType.StreamEnd:
                    Decode(StreamCodec.ReadEnd(data));
                    break;
                default:
                    throw UnknownType(headers);
            }

            return new RowRange(Rows.Count, 0, data.Length, type);
        }
        catch (Exception exception) when (exception is not (MessageFormatException or SchemaRegistryUnavailableException))
        {
            // Readers promise MessageFormatException; anything else is still the input's fault, reported the same way.
            throw new MessageFormatException($"Cannot read a '{SchemaOf(input).Name}' input message: {exception.Message}", exception);
        }
    }

    private RowRange ReadRows(ReadOnlySpan<byte> data, MessageType type, int input)
    {
        var start = Rows.Count;
        if (typeof(T) == typeof(NoOutput))
        {
            // A processor that handles only events: its topic's rows are not its concern, and are not read.
            return new RowRange(start, 0, data.Length, type);
        }

        try
        {
            var count = formats[input].Read(data, type, Rows, untimed);
            return count > 0
                ? new RowRange(start, count, data.Length, count > 1 ? MessageType.Rows : type)
                : throw new MessageFormatException($"Cannot read '{SchemaOf(input).Name}' packed rows: the message holds no rows; a writer never sends an empty one.");
        }
        catch
        {
            // A batch that fails part-way leaves no rows behind: the message is dead-lettered whole.
            Rows.RemoveRange(start, Rows.Count - start);
            untimed.RemoveAll(row => row >= start);
            throw;
        }
    }

    private MessageSchema SchemaOf(int input) => formats[input].Schema;

    private void Decode(object decoded) => values[^1] = values[^1] with { Decoded = decoded };

    private static MessageFormatException UnknownType(Headers? headers)
    {
        headers!.TryGetLastBytes(MessageTypes.Header, out var bytes);
        var value = bytes is null ? "no value" : $"the value '{System.Text.Encoding.UTF8.GetString(bytes)}' (hex {Convert.ToHexString(bytes)})";
        return new MessageFormatException(
            $"The header {MessageTypes.Header} has {value}, not a message type this reader knows ({MessageTypes.Row}, {MessageTypes.Rows}, {MessageTypes.Event}, {MessageTypes.StreamProperties}, {MessageTypes.StreamEnd}).");
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (kept.Length - used < data.Length)
        {
            Array.Resize(ref kept, Math.Max(kept.Length * 2, used + data.Length));
        }

        data.CopyTo(kept.AsSpan(used));
        values.Add(new Kept(used, data.Length, null));
        used += data.Length;
    }

    /// <summary>Where a message's value is kept (start -1: a null value), and what it decoded to besides rows.</summary>
    private readonly record struct Kept(int Start, int Length, object? Decoded);
}
