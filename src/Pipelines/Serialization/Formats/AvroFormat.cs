using System.Buffers;
using System.Collections.Concurrent;
using Avro.Generic;
using Avro.IO;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>
/// A row as Avro in Confluent's wire format, one per message. The contract's schema is registered under the topic's
/// subject once per topic; a message is read by the generated reader when it was written with the contract's own
/// schema, and through Avro's resolution into it (Apache's generic reader, then the generated one) when not. Writer
/// schemas are fetched by id once and kept.
/// </summary>
internal sealed class AvroFormat<T> : RegistryFormat<T>
    where T : IMessageContract<T>
{
    private readonly Avro.Schema schema;
    private readonly string canonical;
    private readonly ConcurrentDictionary<int, Reading> readings = new();

    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no Avro schema.</exception>
    public AvroFormat(ISchemaRegistryClient registry, SubjectNameStrategy subjects = SubjectNameStrategy.Topic)
        : base(registry, subjects)
    {
        var text = T.Serializer.Schema.AvroSchema ?? throw new InvalidOperationException(
            $"{T.Serializer.Schema.Name} has no Avro schema: Avro names are [A-Za-z_][A-Za-z0-9_]*, and a wire name, type name, namespace or enum member of it is not one (PIPE028 says which at compile time).");
        Registered = new Schema(text, SchemaType.Avro);
        schema = Avro.Schema.Parse(text);
        canonical = schema.ToString();
    }

    protected override Schema Registered { get; }

    // The schema's full name, as Confluent's Avro serializer takes it.
    protected override string RecordName => ((Avro.NamedSchema)schema).Fullname;

    public override void Write(IBufferWriter<byte> output, in T row, string topic)
    {
        WriteHeader(output, topic);
        var writer = new AvroWriter(output);
        T.Serializer.WriteAvro(ref writer, in row);
        writer.Flush();
    }

    public override int Read(ReadOnlySpan<byte> data, MessageType type, List<T> rows, List<int>? untimed)
    {
        rows.Add(Read(data, isNull: false));
        return 1;
    }

    /// <summary>Reads one row in the wire format.</summary>
    /// <exception cref="MessageFormatException">The bytes are not a row, or name a schema the registry does not have.</exception>
    /// <exception cref="SchemaRegistryUnavailableException">The writer's schema is new to this reader and the registry did not answer.</exception>
    public T Read(ReadOnlySpan<byte> data, bool isNull)
    {
        var contract = T.Serializer.Schema;
        var id = ConfluentWireFormat.SchemaIdOf(data, isNull, contract);
        var reading = readings.TryGetValue(id, out var known) ? known : readings.GetOrAdd(id, Prepare(id));
        var payload = data[ConfluentWireFormat.HeaderLength..];
        if (reading.Resolver is null)
        {
            return ReadOwn(payload);
        }

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

    public override async Task PrepareToReadAsync(string topic, string caller, ILogger logger, CancellationToken cancellationToken)
    {
        var subject = SubjectOf(topic);
        if (await LatestAsync(subject, caller, logger, cancellationToken) is not { } latest)
        {
            // No writer has registered a schema yet: nothing to read that the contract could not.
            return;
        }

        if (latest.SchemaType != SchemaType.Avro)
        {
            throw new SchemaIncompatibleException(subject, $"{caller} reads {topic} as Avro ({Schema.Name}), but version {latest.Version} of subject '{subject}' is a {latest.SchemaType} schema.");
        }

        var problems = AvroResolution.Problems(schema, Avro.Schema.Parse(latest.SchemaString));
        if (problems.Count > 0)
        {
            throw new SchemaIncompatibleException(subject,
                $"{caller} cannot read {topic}: its contract {Schema.Name} cannot read data written with version {latest.Version} (id {latest.Id}) of subject '{subject}': {string.Join("; ", problems)}.");
        }
    }

    protected override async Task<SchemaIncompatibleException> RefusedAsync(string subject, SchemaRegistryException refused, string caller, ILogger logger, CancellationToken cancellationToken)
    {
        // The registry says no; Avro's rules against the latest version say which field.
        var details = new List<string>();
        if (await LatestAsync(subject, caller, logger, cancellationToken) is { SchemaType: SchemaType.Avro } latest)
        {
            var old = Avro.Schema.Parse(latest.SchemaString);
            details.AddRange(AvroResolution.Problems(schema, old).Select(p => $"reading data of version {latest.Version}: {p}"));
            details.AddRange(AvroResolution.Problems(old, schema).Select(p => $"version {latest.Version}'s readers reading the new data: {p}"));
        }

        return new SchemaIncompatibleException(subject,
            $"{caller}: the Schema Registry refused {Schema.Name}'s Avro schema under subject '{subject}' ({refused.Message})" + (details.Count > 0 ? $": {string.Join("; ", details)}." : "."), refused);
    }

    private async Task<RegisteredSchema?> LatestAsync(string subject, string caller, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await RegistryCalls.UntilAnsweredAsync(() => Registry.GetLatestSchemaAsync(subject), $"reading subject {subject}", caller, logger, cancellationToken);
        }
        catch (SchemaRegistryException missing) when (missing.ErrorCode is 40401 or 40402 or 40403)
        {
            return null;
        }
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
        Schema writer;
        try
        {
            writer = Registry.GetSchemaAsync(id).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException exception) when (exception.ErrorCode == 40403)
        {
            // Not found is the message's fault; the registry not answering is not, and the message is read again later.
            throw new MessageFormatException($"Cannot read a '{T.Serializer.Schema.Name}' message: its schema id {id} is not in the registry ({exception.Message}).", exception);
        }
        catch (Exception exception) when (RegistryCalls.IsOutage(exception))
        {
            throw new SchemaRegistryUnavailableException($"Cannot read a '{T.Serializer.Schema.Name}' message yet: the Schema Registry did not give its schema {id} ({exception.Message}).", exception);
        }

        var parsed = Avro.Schema.Parse(writer.SchemaString);
        return parsed.ToString() == canonical ? new Reading(null) : new Reading(new GenericDatumReader<GenericRecord>(parsed, schema));
    }

    private sealed record Reading(GenericDatumReader<GenericRecord>? Resolver);
}
