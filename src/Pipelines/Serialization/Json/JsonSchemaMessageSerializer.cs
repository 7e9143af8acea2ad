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
    private readonly JsonSchemaFormat<T> format;

    /// <summary>A serializer of <typeparamref name="T"/> through <paramref name="registry"/>.</summary>
    /// <param name="registry">The Schema Registry.</param>
    /// <param name="subjectNameStrategy">How a topic's subject is named: Confluent's <c>Topic</c> (<c>&lt;topic&gt;-value</c>, the default), <c>Record</c> or <c>TopicRecord</c>.</param>
    public JsonSchemaMessageSerializer(ISchemaRegistryClient registry, SubjectNameStrategy subjectNameStrategy = SubjectNameStrategy.Topic)
    {
        ArgumentNullException.ThrowIfNull(registry);
        format = new JsonSchemaFormat<T>(registry, subjectNameStrategy);
    }

    /// <inheritdoc/>
    public byte[] Serialize(T data, SerializationContext context)
    {
        var output = ConfluentWireFormat.Scratch();
        format.Write(output, data, context.Topic);
        return output.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        ConfluentWireFormat.SchemaIdOf(data, isNull, T.Serializer.Schema);
        return JsonMessages.Read<T>(data[ConfluentWireFormat.HeaderLength..]);
    }
}
