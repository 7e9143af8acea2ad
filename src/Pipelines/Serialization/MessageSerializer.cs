using System.Buffers;
using Pipelines.Infrastructure;

namespace Pipelines;

/// <summary>
/// Serializes and deserializes message contracts to and from bytes, buffers and spans, in the format of the contract's
/// topic (<see cref="TopicAttribute.Format"/>): what a processor writes to the topic and reads from it. Every method is
/// a thin wrapper over the type's generated <see cref="IMessageSerializer{T}"/>. The formats that need a Schema Registry
/// (<see cref="TopicFormat.Avro"/>, <see cref="TopicFormat.JsonSchema"/>) are written and read by
/// <see cref="AvroMessageSerializer{T}"/> and <see cref="JsonSchemaMessageSerializer{T}"/> instead, which hold one.
/// </summary>
public static partial class MessageSerializer
{
    /// <summary>The generated serializer of <typeparamref name="T"/>.</summary>
    public static IMessageSerializer<T> For<T>()
        where T : IMessageContract<T> => T.Serializer;

    /// <summary>The schema of <typeparamref name="T"/>.</summary>
    public static MessageSchema SchemaOf<T>()
        where T : IMessageContract<T> => T.Serializer.Schema;

    /// <summary>Writes one row to <paramref name="output"/>.</summary>
    public static void Serialize<T>(IBufferWriter<byte> output, T value)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(output);

        // The type test first: an unoptimized JIT would box a struct T just to compare it with null.
        if (!typeof(T).IsValueType && value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        if (IsJson<T>())
        {
            JsonMessages.Write(output, value);
            return;
        }

        var writer = new MessageWriter(output);
        T.Serializer.Write(ref writer, in value);
        writer.Flush();
    }

    /// <summary>Writes one row to a new array.</summary>
    public static byte[] Serialize<T>(T value)
        where T : IMessageContract<T>
    {
        var output = new ArrayBufferWriter<byte>(256);
        Serialize(output, value);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="rows"/> as one message to <paramref name="output"/>: a columnar batch (MessagePack), or an array of objects (JSON).</summary>
    public static void SerializePacked<T>(IBufferWriter<byte> output, ReadOnlySpan<T> rows)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(output);
        if (IsJson<T>())
        {
            JsonMessages.WriteArray(output, rows);
            return;
        }

        var writer = new MessageWriter(output);
        T.Serializer.WritePacked(ref writer, rows);
        writer.Flush();
    }

    /// <summary>Writes <paramref name="rows"/> (a list, an array, a batch handler's rows) as one columnar batch to a new array.</summary>
    public static byte[] SerializePacked<T>(IReadOnlyList<T> rows)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows switch
        {
            T[] array => SerializePacked<T>(array.AsSpan()),
            List<T> list => SerializePacked<T>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)),
            _ => SerializePacked<T>(rows.ToArray().AsSpan()),
        };
    }

    /// <summary>Writes <paramref name="rows"/> as one columnar batch to a new array.</summary>
    public static byte[] SerializePacked<T>(ReadOnlySpan<T> rows)
        where T : IMessageContract<T>
    {
        var output = new ArrayBufferWriter<byte>(256);
        SerializePacked(output, rows);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads one row that fills <paramref name="bytes"/> exactly (the form a Kafka deserializer is handed).</summary>
    /// <exception cref="MessageFormatException">The bytes are not one valid row of <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> bytes)
        where T : IMessageContract<T>
    {
        if (IsJson<T>())
        {
            return JsonMessages.Read<T>(bytes);
        }

        var reader = new MessageReader(bytes);
        var value = T.Serializer.Read(ref reader);
        EnsureEnd<T>(ref reader);
        return value;
    }

    /// <inheritdoc cref="Deserialize{T}(ReadOnlySpan{byte})"/>
    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes)
        where T : IMessageContract<T> => Deserialize<T>(bytes.Span);

    /// <summary>Reads one row that fills <paramref name="bytes"/> exactly; a sequence of several segments is copied into one pooled buffer first.</summary>
    /// <exception cref="MessageFormatException">The bytes are not one valid row of <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(in ReadOnlySequence<byte> bytes)
        where T : IMessageContract<T>
    {
        if (bytes.IsSingleSegment)
        {
            return Deserialize<T>(bytes.FirstSpan);
        }

        using var contiguous = new Contiguous(bytes);
        return Deserialize<T>(contiguous.Span);
    }

    /// <summary>
    /// Reads one message of several rows that fills <paramref name="bytes"/> exactly and appends its rows to
    /// <paramref name="rows"/>: a columnar batch (MessagePack), or an array of objects or a single object (JSON).
    /// </summary>
    /// <returns>The number of rows appended.</returns>
    /// <exception cref="MessageFormatException">The bytes are not one valid batch of <typeparamref name="T"/>.</exception>
    public static int DeserializePacked<T>(ReadOnlySpan<byte> bytes, List<T> rows)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (IsJson<T>())
        {
            return JsonMessages.ReadRows(bytes, rows);
        }

        var reader = new MessageReader(bytes);
        var count = T.Serializer.ReadPacked(ref reader, rows);
        EnsureEnd<T>(ref reader);
        return count;
    }

    /// <inheritdoc cref="DeserializePacked{T}(ReadOnlySpan{byte}, List{T})"/>
    public static int DeserializePacked<T>(ReadOnlyMemory<byte> bytes, List<T> rows)
        where T : IMessageContract<T> => DeserializePacked(bytes.Span, rows);

    /// <inheritdoc cref="DeserializePacked{T}(ReadOnlySpan{byte}, List{T})"/>
    public static int DeserializePacked<T>(in ReadOnlySequence<byte> bytes, List<T> rows)
        where T : IMessageContract<T>
    {
        if (bytes.IsSingleSegment)
        {
            return DeserializePacked(bytes.FirstSpan, rows);
        }

        using var contiguous = new Contiguous(bytes);
        return DeserializePacked(contiguous.Span, rows);
    }

    /// <summary>Whether <typeparamref name="T"/>'s topic is JSON; throws for a format these methods cannot write alone.</summary>
    private static bool IsJson<T>()
        where T : IMessageContract<T>
    {
        var schema = T.Serializer.Schema;
        return schema.Format switch
        {
            TopicFormat.Json => true,
            TopicFormat.Avro => throw new NotSupportedException(
                $"{schema.Name} is written as Avro through a Schema Registry, which these methods do not reach: use AvroMessageSerializer<{schema.Name}>, which registers the schema and puts its id in each message."),
            TopicFormat.JsonSchema => throw new NotSupportedException(
                $"{schema.Name} is written as JSON Schema through a Schema Registry, which these methods do not reach: use JsonSchemaMessageSerializer<{schema.Name}>, which registers the schema and puts its id in each message."),
            _ => false,
        };
    }

    /// <summary>One row as MessagePack whatever its topic's format: the form state stores and changelogs keep.</summary>
    internal static byte[] ToMessagePack<T>(T value)
        where T : IMessageContract<T>
    {
        var output = new ArrayBufferWriter<byte>(256);
        var writer = new MessageWriter(output);
        T.Serializer.Write(ref writer, in value);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Rows as one MessagePack columnar batch whatever their topic's format: the form state stores and changelogs keep.</summary>
    internal static byte[] ToMessagePackPacked<T>(ReadOnlySpan<T> rows)
        where T : IMessageContract<T>
    {
        var output = new ArrayBufferWriter<byte>(256);
        var writer = new MessageWriter(output);
        T.Serializer.WritePacked(ref writer, rows);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads what <see cref="ToMessagePack{T}(T)"/> wrote.</summary>
    internal static T FromMessagePack<T>(ReadOnlySpan<byte> bytes)
        where T : IMessageContract<T>
    {
        var reader = new MessageReader(bytes);
        var value = T.Serializer.Read(ref reader);
        EnsureEnd<T>(ref reader);
        return value;
    }

    /// <summary>Reads what <see cref="ToMessagePackPacked{T}(ReadOnlySpan{T})"/> wrote.</summary>
    internal static int FromMessagePackPacked<T>(ReadOnlySpan<byte> bytes, List<T> rows)
        where T : IMessageContract<T>
    {
        var reader = new MessageReader(bytes);
        var count = T.Serializer.ReadPacked(ref reader, rows);
        EnsureEnd<T>(ref reader);
        return count;
    }

    private static void EnsureEnd<T>(ref MessageReader reader)
        where T : IMessageContract<T>
    {
        if (!reader.End)
        {
            throw MessageFormatException.TrailingBytes(T.Serializer.Schema, reader.Position, reader.Length - reader.Position);
        }
    }

    /// <summary>A multi-segment sequence copied into a pooled array for the duration of one read.</summary>
    private readonly struct Contiguous : IDisposable
    {
        private readonly byte[] array;
        private readonly int length;

        public Contiguous(in ReadOnlySequence<byte> bytes)
        {
            length = checked((int)bytes.Length);
            array = ArrayPool<byte>.Shared.Rent(length);
            bytes.CopyTo(array);
        }

        public ReadOnlySpan<byte> Span => array.AsSpan(0, length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(array);
    }
}
