using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Pipelines.Kafka.Embedded;
using RecordSchema = Avro.RecordSchema;
using Schema = Confluent.SchemaRegistry.Schema;

namespace Pipelines.IntegrationTests.Formats;

/// <summary>
/// The embedded Schema Registry answers as a registry does: driven by Confluent's own client and Avro serializers, not
/// by code written against our expectations.
/// </summary>
public sealed class EmbeddedSchemaRegistryTests : IDisposable
{
    private const string V1 = """{"type":"record","name":"Reading","namespace":"Sensors","fields":[{"name":"sensor","type":"string"},{"name":"value","type":"double"}]}""";

    // A field added with a default: data written with V1 reads with it (backward), and V1 reads its data (forward).
    private const string V2 = """{"type":"record","name":"Reading","namespace":"Sensors","fields":[{"name":"sensor","type":"string"},{"name":"value","type":"double"},{"name":"unit","type":"string","default":"C"}]}""";

    // A field added without a default: it cannot read data written with V1 (not backward).
    private const string NoDefault = """{"type":"record","name":"Reading","namespace":"Sensors","fields":[{"name":"sensor","type":"string"},{"name":"value","type":"double"},{"name":"unit","type":"string","default":"C"},{"name":"site","type":"string"}]}""";

    private readonly EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.Start();
    private readonly CachedSchemaRegistryClient client;

    public EmbeddedSchemaRegistryTests() => client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });

    public void Dispose()
    {
        client.Dispose();
        registry.Dispose();
    }

    [Fact]
    public async Task Schemas_register_once_under_ids_versions_and_subjects_a_client_reads_back()
    {
        var first = await client.RegisterSchemaAsync("readings-value", new Schema(V1, SchemaType.Avro));
        var again = await client.RegisterSchemaAsync("readings-value", new Schema(V1, SchemaType.Avro));
        var second = await client.RegisterSchemaAsync("readings-value", new Schema(V2, SchemaType.Avro));
        var elsewhere = await new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url }).RegisterSchemaAsync("archive-value", new Schema(V1, SchemaType.Avro));

        Assert.Equal((first, first), (again, elsewhere)); // one schema, one id, whichever subject
        Assert.NotEqual(first, second);
        Assert.Equal(V1, (await client.GetSchemaAsync(first)).SchemaString);
        var latest = await client.GetLatestSchemaAsync("readings-value");
        Assert.Equal((2, second, V2), (latest.Version, latest.Id, latest.SchemaString));
        Assert.Equal([1, 2], await client.GetSubjectVersionsAsync("readings-value"));
        Assert.Equal(["archive-value", "readings-value"], (await client.GetAllSubjectsAsync()).Order());
        Assert.Equal(1, (await client.LookupSchemaAsync("readings-value", new Schema(V1, SchemaType.Avro), ignoreDeletedSchemas: true)).Version);
        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetLatestSchemaAsync("nobody-value"));
        Assert.Equal(40401, missing.ErrorCode);
    }

    [Fact]
    public async Task An_incompatible_change_is_refused_at_the_subjects_level_and_allowed_at_none()
    {
        await client.RegisterSchemaAsync("readings-value", new Schema(V1, SchemaType.Avro));
        await client.RegisterSchemaAsync("readings-value", new Schema(V2, SchemaType.Avro));

        Assert.False(await client.IsCompatibleAsync("readings-value", new Schema(NoDefault, SchemaType.Avro)));
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync("readings-value", new Schema(NoDefault, SchemaType.Avro)));
        Assert.Equal(409, refused.ErrorCode);
        Assert.Contains("cannot read data written with version 2", refused.Message, StringComparison.Ordinal);

        // FORWARD: the old schema must read the new one's data; dropping a field the old one needs breaks that.
        await client.UpdateCompatibilityAsync(Compatibility.Forward, "readings-value");
        var dropped = """{"type":"record","name":"Reading","namespace":"Sensors","fields":[{"name":"sensor","type":"string"},{"name":"unit","type":"string","default":"C"}]}""";
        Assert.False(await client.IsCompatibleAsync("readings-value", new Schema(dropped, SchemaType.Avro)));
        Assert.True(await client.IsCompatibleAsync("readings-value", new Schema(NoDefault, SchemaType.Avro)));

        await client.UpdateCompatibilityAsync(Compatibility.None, "readings-value");
        Assert.Equal(Compatibility.None, await client.GetCompatibilityAsync("readings-value"));
        var id = await client.RegisterSchemaAsync("readings-value", new Schema(dropped, SchemaType.Avro));
        var registered = await client.GetRegisteredSchemaAsync("readings-value", 3);
        Assert.Equal((id, 3), (registered.Id, registered.Version));
    }

    [Fact]
    public async Task Confluents_Avro_serializer_registers_through_it_and_its_deserializer_reads_back_what_was_written()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("sensor-readings", 1);
        var schema = (RecordSchema)Avro.Schema.Parse(V1);
        var serializerConfig = new AvroSerializerConfig { AutoRegisterSchemas = true };
        using (var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers })
            .SetValueSerializer(new AvroSerializer<GenericRecord>(client, serializerConfig))
            .Build())
        {
            foreach (var (sensor, value) in new[] { ("s-1", 21.5), ("s-2", -4.0) })
            {
                var record = new GenericRecord(schema);
                record.Add("sensor", sensor);
                record.Add("value", value);
                await producer.ProduceAsync("sensor-readings", new Message<string, GenericRecord> { Key = sensor, Value = record });
            }
        }

        using var consumer = new ConsumerBuilder<string, GenericRecord>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "reader", AutoOffsetReset = AutoOffsetReset.Earliest })
            .SetValueDeserializer(new AvroDeserializer<GenericRecord>(new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url })).AsSyncOverAsync())
            .Build();
        consumer.Subscribe("sensor-readings");
        var read = new List<(string, double)>();
        var deadline = DateTime.UtcNow + Bounded.Patience;
        while (read.Count < 2 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message.Value: { } record })
            {
                read.Add(((string)record["sensor"], (double)record["value"]));
            }
        }

        consumer.Close();
        Assert.Equal([("s-1", 21.5), ("s-2", -4.0)], read);
        Assert.Equal(["sensor-readings-value"], await client.GetAllSubjectsAsync());
    }
}
