using System.Collections.Concurrent;
using Avro.Generic;
using Avro.IO;
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
    private readonly ISchemaRegistryClient registry;
    private readonly string text;
    private readonly Avro.Schema schema;
    private readonly string canonical;
    private readonly ConcurrentDictionary<string, int> ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Reading> readings = new();

    /// <summary>A serializer of <typeparamref name="T"/> through <paramref name="registry"/>.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no Avro schema: a name in it is not an Avro name.</exception>
    public AvroMessageSerializer(ISchemaRegistryClient registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.registry = registry;
        text = T.Serializer.Schema.AvroSchema ?? throw new InvalidOperationException(
            $"{T.Serializer.Schema.Name} has no Avro schema: Avro names are [A-Za-z_][A-Za-z0-9_]*, and a wire name, type name, namespace or enum member of it is not one.");
        schema = Avro.Schema.Parse(text);
        canonical = schema.ToString();
    }

    /// <summary>The subject a topic's values are registered under (Confluent's topic name strategy).</summary>
    public static string SubjectOf(string topic) => ConfluentWireFormat.SubjectOf(topic);

    /// <inheritdoc/>
    public byte[] Serialize(T data, SerializationContext context)
    {
        var id = ids.GetOrAdd(context.Topic, topic => registry.RegisterSchemaAsync(SubjectOf(topic), new Confluent.SchemaRegistry.Schema(text, SchemaType.Avro)).GetAwaiter().GetResult());
        var output = ConfluentWireFormat.Begin(id);
        var writer = new AvroWriter(output);
        T.Serializer.WriteAvro(ref writer, in data);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        var contract = T.Serializer.Schema;
        var id = ConfluentWireFormat.SchemaIdOf(data, isNull, contract);
        var reading = readings.GetOrAdd(id, Prepare);
        var payload = data[ConfluentWireFormat.HeaderLength..];
        if (reading.Resolver is null)
        {
            return ReadOwn(payload);
        }

        // Written with another schema: Avro's resolution into the contract's, then the generated reader.
        GenericRecord record;
        try
        {
            record = reading.Resolver.Read(null!, new BinaryDecoder(new MemoryStream(payload.ToArray())));
        }
        catch (Exception exception) when (exception is Avro.AvroException or IOException or InvalidCastException)
        {
            throw new MessageFormatException($"Cannot read a '{contract.Name}' message written with schema {id}: {exception.Message}", exception);
        }

        var resolved = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema).Write(record, new BinaryEncoder(resolved));
        return ReadOwn(resolved.GetBuffer().AsSpan(0, (int)resolved.Length));
    }

    private static T ReadOwn(ReadOnlySpan<byte> payload)
    {
        var reader = new AvroReader(payload);
        var value = T.Serializer.ReadAvro(ref reader);
        return reader.End ? value : throw MessageFormatException.TrailingBytes(T.Serializer.Schema, reader.Position + ConfluentWireFormat.HeaderLength, payload.Length - reader.Position);
    }

    /// <summary>How messages written with schema <paramref name="id"/> are read: directly if it is the contract's own, else resolved.</summary>
    private Reading Prepare(int id)
    {
        Confluent.SchemaRegistry.Schema writer;
        try
        {
            writer = registry.GetSchemaAsync(id).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException exception) when (exception.ErrorCode == 40403)
        {
            // Not found is the message's fault; any other answer (the registry down, refused) is not, and propagates.
            throw new MessageFormatException($"Cannot read a '{T.Serializer.Schema.Name}' message: its schema id {id} is not in the registry ({exception.Message}).", exception);
        }

        var parsed = Avro.Schema.Parse(writer.SchemaString);
        return parsed.ToString() == canonical ? new Reading(null) : new Reading(new GenericDatumReader<GenericRecord>(parsed, schema));
    }

    private sealed record Reading(GenericDatumReader<GenericRecord>? Resolver);
}
