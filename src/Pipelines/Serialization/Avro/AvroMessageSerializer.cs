using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Pipelines.Infrastructure;

namespace Pipelines;

/// <summary>
/// A contract's rows as Avro in the Confluent wire format (a magic byte 0, the writer schema's id in a Schema Registry as
/// four big-endian bytes, the row in Avro's binary encoding), for any Confluent.Kafka producer or consumer:
/// <c>.SetValueSerializer(new AvroMessageSerializer&lt;Order&gt;(registry))</c>. Writing registers the contract's
/// derived schema (<see cref="MessageSchema.AvroSchema"/>) under the topic's subject, <c>&lt;topic&gt;-value</c>, once
/// per topic (the registry refuses a schema incompatible with the subject's level), then writes through the generated
/// writer. Reading fetches a writer schema by its id once; a message written with the contract's own schema is read by
/// the generated reader, one written with another is resolved against the contract's by Avro's rules (fields added
/// with a default, removed, reordered, numbers promoted) first.
/// </summary>
/// <typeparam name="T">The contract.</typeparam>
public sealed class AvroMessageSerializer<T> : ISerializer<T>, IDeserializer<T>
    where T : IMessageContract<T>
{
    private readonly AvroFormat<T> format;

    /// <summary>A serializer of <typeparamref name="T"/> through <paramref name="registry"/>.</summary>
    /// <param name="registry">The Schema Registry.</param>
    /// <param name="subjectNameStrategy">How a topic's subject is named: Confluent's <c>Topic</c> (<c>&lt;topic&gt;-value</c>, the default), <c>Record</c> or <c>TopicRecord</c>.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no Avro schema: a name in it is not an Avro name.</exception>
    public AvroMessageSerializer(ISchemaRegistryClient registry, SubjectNameStrategy subjectNameStrategy = SubjectNameStrategy.Topic)
    {
        ArgumentNullException.ThrowIfNull(registry);
        format = new AvroFormat<T>(registry, subjectNameStrategy);
    }

    /// <summary>The subject this serializer registers <paramref name="topic"/>'s values under.</summary>
    public string SubjectOf(string topic) => format.SubjectOf(topic);

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
        try
        {
            return format.Read(data, isNull);
        }
        catch (SchemaRegistryUnavailableException unavailable)
        {
            // Outside a processor nothing reads the message again later: the caller sees the registry's own error.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unavailable.InnerException!);
            throw;
        }
    }
}
