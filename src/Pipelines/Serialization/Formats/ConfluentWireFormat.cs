using System.Buffers;
using System.Buffers.Binary;
using Confluent.SchemaRegistry;

namespace Pipelines.Infrastructure;

/// <summary>
/// The framing Confluent's Schema Registry serializers put before a value: a magic byte 0, then the writer schema's id
/// as four big-endian bytes. Shared by the Avro and JSON Schema formats.
/// </summary>
internal static class ConfluentWireFormat
{
    public const int HeaderLength = 5;

    // One buffer per thread to write a message into: a message costs its returned array and nothing else.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    /// <summary>The subject a topic's values are registered under (Confluent's topic name strategy).</summary>
    public static string SubjectOf(string topic) => topic + "-value";

    /// <summary>The subject of <paramref name="topic"/>'s values of the record <paramref name="recordName"/> by <paramref name="strategy"/>, as Confluent's serializers name it.</summary>
    public static string SubjectOf(string topic, SubjectNameStrategy strategy, string recordName) =>
        strategy switch
        {
            SubjectNameStrategy.Topic => SubjectOf(topic),
            SubjectNameStrategy.Record => recordName,
            SubjectNameStrategy.TopicRecord => topic + "-" + recordName,
            _ => throw new NotSupportedException($"The subject name strategy {strategy} is not supported; use Topic, Record or TopicRecord."),
        };

    /// <summary>This thread's buffer, emptied.</summary>
    public static ArrayBufferWriter<byte> Scratch()
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        return output;
    }

    /// <summary>Writes the header for schema <paramref name="id"/>.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, int id)
    {
        var header = output.GetSpan(HeaderLength);
        header[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], id);
        output.Advance(HeaderLength);
    }

    /// <summary>The writer schema's id of a value in the wire format.</summary>
    /// <exception cref="MessageFormatException">The value is null, or does not start with the header.</exception>
    public static int SchemaIdOf(ReadOnlySpan<byte> data, bool isNull, MessageSchema contract)
    {
        if (isNull)
        {
            throw MessageFormatException.Tombstone(contract);
        }

        if (data.Length < HeaderLength || data[0] != 0)
        {
            throw new MessageFormatException($"Cannot read a '{contract.Name}' message: it does not start with the Confluent wire format's magic byte 0 and a schema id ({(data.Length == 0 ? "it is empty" : $"its first byte is {data[0]}")}).");
        }

        return BinaryPrimitives.ReadInt32BigEndian(data[1..HeaderLength]);
    }
}
