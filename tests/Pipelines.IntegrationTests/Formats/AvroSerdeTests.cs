using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Pipelines.Kafka.Embedded;
using Schema = Confluent.SchemaRegistry.Schema;

namespace Pipelines.IntegrationTests.Formats;

/// <summary>A contract's rows as Avro in the Confluent wire format, both ways with Confluent's own Avro serializers, through the embedded registry.</summary>
public sealed class AvroSerdeTests : IDisposable
{
    private readonly EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.Start();
    private readonly CachedSchemaRegistryClient client;
    private readonly EmbeddedKafka kafka = EmbeddedKafka.Start();

    public AvroSerdeTests()
    {
        client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        kafka.CreateTopic("laps", 1);
    }

    public void Dispose()
    {
        client.Dispose();
        registry.Dispose();
        kafka.Dispose();
    }

    [Fact]
    public async Task What_it_writes_Confluents_AvroDeserializer_reads_and_the_schema_is_the_contracts()
    {
        var serializer = new AvroMessageSerializer<LapTime>(client);
        await Produce(serializer, new LapTime { Car = "car-1", Lap = 3, Seconds = 81.25, Driver = null }, new LapTime { Car = "car-2", Lap = 4, Seconds = 80.5, Driver = "Ada" });

        var records = Consume(new AvroDeserializer<GenericRecord>(client).AsSyncOverAsync(), 2);

        Assert.Equal([("car-1", 3, 81.25, (string?)null), ("car-2", 4, 80.5, "Ada")], records.Select(r => ((string)r["car"], (int)r["lap"], (double)r["seconds"], (string?)r["driver"])));
        Assert.Equal(MessageSerializer.SchemaOf<LapTime>().AvroSchema, (await client.GetLatestSchemaAsync("laps-value")).SchemaString);
    }

    [Fact]
    public async Task What_Confluents_AvroSerializer_writes_it_reads_also_with_an_older_and_a_newer_writer_schema()
    {
        // The contract's own schema; one without the nullable driver (older: it reads as null); one with a field the
        // contract does not have (newer: it is skipped). All three are Avro-compatible with the contract.
        var own = MessageSerializer.SchemaOf<LapTime>().AvroSchema!;
        var older = """{"type":"record","name":"LapTime","namespace":"Pipelines.IntegrationTests.Formats","fields":[{"name":"car","type":"string"},{"name":"lap","type":"int"},{"name":"seconds","type":"double"}]}""";
        var newer = """{"type":"record","name":"LapTime","namespace":"Pipelines.IntegrationTests.Formats","fields":[{"name":"car","type":"string"},{"name":"lap","type":"int"},{"name":"seconds","type":"double"},{"name":"driver","type":["null","string"],"default":null},{"name":"tyres","type":"string","default":"soft"}]}""";
        await client.UpdateCompatibilityAsync(Compatibility.None, "laps-value");
        foreach (var (text, car) in new[] { (own, "own"), (older, "older"), (newer, "newer") })
        {
            var schema = (Avro.RecordSchema)Avro.Schema.Parse(text);
            var record = new GenericRecord(schema);
            record.Add("car", car);
            record.Add("lap", 7);
            record.Add("seconds", 79.5);
            if (schema.Contains("driver"))
            {
                record.Add("driver", "Grace");
            }

            if (schema.Contains("tyres"))
            {
                record.Add("tyres", "hard");
            }

            using var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers })
                .SetValueSerializer(new AvroSerializer<GenericRecord>(client)).Build();
            await producer.ProduceAsync("laps", new Message<string, GenericRecord> { Key = car, Value = record });
        }

        var laps = Consume(new AvroMessageSerializer<LapTime>(client), 3);

        Assert.Equal([("own", 7, 79.5, "Grace"), ("older", 7, 79.5, null), ("newer", 7, 79.5, "Grace")], laps.Select(l => (l.Car, l.Lap, l.Seconds, l.Driver)));
        Assert.Equal(3, (await client.GetSubjectVersionsAsync("laps-value")).Count);
    }

    [Fact]
    public async Task A_schema_the_subjects_level_refuses_is_not_written_and_a_message_that_is_not_Avro_is_refused_saying_why()
    {
        // A registered schema the contract's cannot follow under BACKWARD: it has a required field the contract lacks... and
        // the contract's has fields without defaults that the older one lacks.
        await client.RegisterSchemaAsync("laps-value", new Schema("""{"type":"record","name":"LapTime","namespace":"Pipelines.IntegrationTests.Formats","fields":[{"name":"pit","type":"boolean"}]}""", SchemaType.Avro));
        var refused = Assert.Throws<SchemaRegistryException>(() => new AvroMessageSerializer<LapTime>(client).Serialize(new LapTime { Car = "car-1" }, new SerializationContext(MessageComponentType.Value, "laps")));
        Assert.Equal(409, refused.ErrorCode);

        var exception = Assert.Throws<MessageFormatException>(() => new AvroMessageSerializer<LapTime>(client).Deserialize("{\"car\":1}"u8, false, new SerializationContext(MessageComponentType.Value, "laps")));
        Assert.Contains("magic byte 0", exception.Message, StringComparison.Ordinal);
    }

    private async Task Produce(ISerializer<LapTime> serializer, params LapTime[] laps)
    {
        using var producer = new ProducerBuilder<string, LapTime>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).SetValueSerializer(serializer).Build();
        foreach (var lap in laps)
        {
            await producer.ProduceAsync("laps", new Message<string, LapTime> { Key = lap.Car, Value = lap });
        }
    }

    private List<T> Consume<T>(IDeserializer<T> deserializer, int count)
    {
        using var consumer = new ConsumerBuilder<string, T>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest })
            .SetValueDeserializer(deserializer).Build();
        consumer.Subscribe("laps");
        var read = new List<T>();
        var deadline = DateTime.UtcNow + Bounded.Patience;
        while (read.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                read.Add(result.Message.Value);
            }
        }

        consumer.Close();
        return read;
    }
}

/// <summary>A lap, as an Avro topic holds it.</summary>
[MessageContract]
public partial class LapTime
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("lap")] public int Lap { get; set; }
    [Parameter("seconds")] public double Seconds { get; set; }
    [Parameter("driver")] public string? Driver { get; set; }
}
