using System.Buffers;
using MessagePack;
using Pipelines.Serialization;

namespace Pipelines;

/// <summary>
/// Serializes and deserializes message contracts to and from bytes, buffers and spans. Every method is a
/// thin wrapper over the type's generated <see cref="IMessageSerializer{T}"/>.
/// </summary>
public static class MessageSerializer
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

        var writer = new MessagePackWriter(output);
        T.Serializer.Write(ref writer, value);
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

    /// <summary>Writes <paramref name="rows"/> as one columnar batch to <paramref name="output"/>.</summary>
    public static void SerializeBatch<T>(IBufferWriter<byte> output, ReadOnlySpan<T> rows)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = new MessagePackWriter(output);
        T.Serializer.WriteBatch(ref writer, rows);
        writer.Flush();
    }

    /// <summary>Writes <paramref name="rows"/> as one columnar batch to a new array.</summary>
    public static byte[] SerializeBatch<T>(ReadOnlySpan<T> rows)
        where T : IMessageContract<T>
    {
        var output = new ArrayBufferWriter<byte>(256);
        SerializeBatch(output, rows);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads one row that fills <paramref name="bytes"/> exactly.</summary>
    /// <exception cref="MessageFormatException">The bytes are not one valid row of <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlySequence<byte> bytes)
        where T : IMessageContract<T>
    {
        var reader = new MessagePackReader(bytes);
        var value = T.Serializer.Read(ref reader);
        EnsureEnd<T>(ref reader);
        return value;
    }

    /// <summary>Reads one row that fills <paramref name="bytes"/> exactly.</summary>
    /// <exception cref="MessageFormatException">The bytes are not one valid row of <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes)
        where T : IMessageContract<T> => Deserialize<T>(new ReadOnlySequence<byte>(bytes));

    /// <summary>
    /// Reads one row that fills <paramref name="bytes"/> exactly, without copying them: the span is pinned for
    /// the duration of the read (this is the form a Kafka deserializer is handed).
    /// </summary>
    /// <exception cref="MessageFormatException">The bytes are not one valid row of <typeparamref name="T"/>.</exception>
    public static unsafe T Deserialize<T>(ReadOnlySpan<byte> bytes)
        where T : IMessageContract<T>
    {
        fixed (byte* pointer = bytes)
        {
            using var memory = PinnedMemory.Rent(pointer, bytes.Length);
            return Deserialize<T>(memory.Sequence);
        }
    }

    /// <summary>Reads one batch that fills <paramref name="bytes"/> exactly and appends its rows to <paramref name="rows"/>.</summary>
    /// <returns>The number of rows appended.</returns>
    /// <exception cref="MessageFormatException">The bytes are not one valid batch of <typeparamref name="T"/>.</exception>
    public static int DeserializeBatch<T>(ReadOnlySequence<byte> bytes, List<T> rows)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(rows);
        var reader = new MessagePackReader(bytes);
        var count = T.Serializer.ReadBatch(ref reader, rows);
        EnsureEnd<T>(ref reader);
        return count;
    }

    /// <inheritdoc cref="DeserializeBatch{T}(ReadOnlySequence{byte}, List{T})"/>
    public static int DeserializeBatch<T>(ReadOnlyMemory<byte> bytes, List<T> rows)
        where T : IMessageContract<T> => DeserializeBatch(new ReadOnlySequence<byte>(bytes), rows);

    /// <inheritdoc cref="DeserializeBatch{T}(ReadOnlySequence{byte}, List{T})"/>
    public static unsafe int DeserializeBatch<T>(ReadOnlySpan<byte> bytes, List<T> rows)
        where T : IMessageContract<T>
    {
        fixed (byte* pointer = bytes)
        {
            using var memory = PinnedMemory.Rent(pointer, bytes.Length);
            return DeserializeBatch(memory.Sequence, rows);
        }
    }

    private static void EnsureEnd<T>(ref MessagePackReader reader)
        where T : IMessageContract<T>
    {
        if (!reader.End)
        {
            throw MessageFormatException.TrailingBytes(T.Serializer.Schema, reader.Consumed, reader.Sequence.Length - reader.Consumed);
        }
    }
}
