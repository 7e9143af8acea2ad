using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Pipelines.Infrastructure;

namespace Pipelines;

/// <summary>
/// A contract's rows as JSON in the Confluent wire format for JSON Schema (a magic byte 0, the schema's id in a Schema
/// Registry as four big-endian bytes, the row as JSON), for any Confluent.Kafka producer or consumer. Writing registers
/// the contract's derived JSON Schema (<see cref="MessageSchema.JsonSchema"/>) under <c>&lt;topic&gt;-value</c> once per
/// topic, then writes through the generated JSON writer. Reading skips the header and reads the JSON as a JSON topic's
/// reader does (unknown properties skipped, missing ones at their default): JSON needs no writer schema to be read.
/// </summary>
/// <typeparam name="T">The contract.</typeparam>
public sealed class JsonSchemaMessageSerializer<T> : ISerializer<T>, IDeserializer<T>
    where T : IMessageContract<T>
{
    private readonly ISchemaRegistryClient registry;
    private readonly ConcurrentDictionary<string, int> ids = new(StringComparer.Ordinal);

    // One buffer per thread to write into: a message costs its returned array and nothing else.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    /// <summary>A serializer of <typeparamref name="T"/> through <paramref name="registry"/>.</summary>
    public JsonSchemaMessageSerializer(ISchemaRegistryClient registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.registry = registry;
    }

    /// <inheritdoc/>
    public byte[] Serialize(T data, SerializationContext context)
    {
        var id = ids.GetOrAdd(context.Topic, topic => registry.RegisterSchemaAsync(
            AvroMessageSerializer<T>.SubjectOf(topic), new Confluent.SchemaRegistry.Schema(T.Serializer.Schema.JsonSchema, SchemaType.Json)).GetAwaiter().GetResult());
        var output = buffer ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        var header = output.GetSpan(5);
        header[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], id);
        output.Advance(5);
        JsonMessages.Write(output, data);
        return output.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        var contract = T.Serializer.Schema;
        if (isNull)
        {
            throw MessageFormatException.Tombstone(contract);
        }

        if (data.Length < 5 || data[0] != 0)
        {
            throw new MessageFormatException($"Cannot read a '{contract.Name}' message: it does not start with the Confluent wire format's magic byte 0 and a schema id ({(data.Length == 0 ? "it is empty" : $"its first byte is {data[0]}")}).");
        }

        return JsonMessages.Read<T>(data[5..]);
    }
}
