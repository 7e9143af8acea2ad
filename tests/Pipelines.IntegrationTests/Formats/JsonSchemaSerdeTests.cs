using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Newtonsoft.Json;
using Pipelines.Kafka.Embedded;

namespace Pipelines.IntegrationTests.Formats;

/// <summary>A contract's rows as JSON with a JSON Schema in a registry, both ways with Confluent's own JSON serializers.</summary>
public sealed class JsonSchemaSerdeTests : IDisposable
{
    private readonly EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.Start();
    private readonly CachedSchemaRegistryClient client;
    private readonly EmbeddedKafka kafka = EmbeddedKafka.Start();

    public JsonSchemaSerdeTests()
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
    public async Task What_it_writes_Confluents_JsonDeserializer_reads_and_what_Confluents_JsonSerializer_writes_it_reads()
    {
        // Confluent's serializer registers a schema of its own (from the class) after the contract's under one subject:
        // the embedded registry decides no JSON compatibility, so the subject takes both at NONE.
        await client.UpdateCompatibilityAsync(Compatibility.None, "laps-value");
        var ours = new JsonSchemaMessageSerializer<LapTime>(client);
        using (var producer = new ProducerBuilder<string, LapTime>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).SetValueSerializer(ours).Build())
        {
            await producer.ProduceAsync("laps", new Message<string, LapTime> { Key = "car-1", Value = new LapTime { Car = "car-1", Lap = 3, Seconds = 81.25, Driver = "Ada" } });
        }

        using (var producer = new ProducerBuilder<string, ConfluentLap>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers })
            .SetValueSerializer(new JsonSerializer<ConfluentLap>(client).AsSyncOverAsync()).Build())
        {
            await producer.ProduceAsync("laps", new Message<string, ConfluentLap> { Key = "car-2", Value = new ConfluentLap { Car = "car-2", Lap = 4, Seconds = 80.5 } });
        }

        var theirs = Consume(new JsonDeserializer<ConfluentLap>().AsSyncOverAsync(), 2);
        var read = Consume(ours, 2);

        Assert.Equal([("car-1", 3, 81.25, "Ada"), ("car-2", 4, 80.5, null)], theirs.Select(l => (l.Car, l.Lap, l.Seconds, l.Driver)));
        Assert.Equal([("car-1", 3, 81.25, "Ada"), ("car-2", 4, 80.5, null)], read.Select(l => (l.Car, l.Lap, l.Seconds, l.Driver)));
        Assert.Equal(MessageSerializer.SchemaOf<LapTime>().JsonSchema, (await client.GetRegisteredSchemaAsync("laps-value", 1)).SchemaString);
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

    /// <summary>The lap as a Confluent JSON Schema user declares it: a plain class, Newtonsoft names.</summary>
    public sealed class ConfluentLap
    {
        [JsonProperty("car")] public string Car { get; set; } = "";
        [JsonProperty("lap")] public int Lap { get; set; }
        [JsonProperty("seconds")] public double Seconds { get; set; }
        [JsonProperty("driver")] public string? Driver { get; set; }
    }
}
