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
        kafka.CreateTopic("lap-speeds", 1);
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

    [Fact]
    public async Task A_processor_reads_a_JSON_Schema_topic_Confluents_serializer_wrote_and_writes_one_its_deserializer_reads()
    {
        using (var producer = new ProducerBuilder<string, ConfluentLap>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers })
            .SetValueSerializer(new JsonSerializer<ConfluentLap>(client).AsSyncOverAsync()).Build())
        {
            await producer.ProduceAsync("laps", new Message<string, ConfluentLap> { Key = "car-1", Value = new ConfluentLap { Car = "car-1", Lap = 1, Seconds = 90 } });
            await producer.ProduceAsync("laps", new Message<string, ConfluentLap> { Key = "car-2", Value = new ConfluentLap { Car = "car-2", Lap = 1, Seconds = 100, Driver = "Ada" } });
        }

        var options = new Pipelines.Processing.ProcessorOptions
        {
            Name = "lap-speeds",
            GroupId = "lap-speeds",
            InputTopic = "laps",
            OutputTopic = "lap-speeds",
            BootstrapServers = kafka.BootstrapServers,
            SchemaRegistry = client,
            OutputBuffer = new Pipelines.Processing.BufferOptions { MaxRows = 2, Timeout = TimeSpan.FromMilliseconds(100) },
        };
        using var stop = new CancellationTokenSource();
        var run = new Pipelines.Processing.ProcessorRunner<SchemaLap, SchemaLapSpeed>(options, Pipelines.Testing.TestProcessor.Rows<SchemaLap, SchemaLapSpeed>((lap, _, _) =>
            ValueTask.FromResult<SchemaLapSpeed?>(new SchemaLapSpeed { Car = lap.Car, Kmh = 5000 / lap.Seconds * 3.6, Driver = lap.Driver }))).RunAsync(stop.Token);
        var speeds = Consume(new JsonDeserializer<ConfluentLapSpeed>().AsSyncOverAsync(), 2, "lap-speeds");
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([("car-1", 200.0, (string?)null), ("car-2", 180.0, "Ada")], speeds.Select(s => (s.Car, s.Kmh, s.Driver)));
        Assert.Equal(MessageSerializer.SchemaOf<SchemaLapSpeed>().JsonSchema, (await client.GetLatestSchemaAsync("lap-speeds-value")).SchemaString);
    }

    private List<T> Consume<T>(IDeserializer<T> deserializer, int count, string topic = "laps")
    {
        using var consumer = new ConsumerBuilder<string, T>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest })
            .SetValueDeserializer(deserializer).Build();
        consumer.Subscribe(topic);
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

    public sealed class ConfluentLapSpeed
    {
        [JsonProperty("car")] public string Car { get; set; } = "";
        [JsonProperty("kmh")] public double Kmh { get; set; }
        [JsonProperty("driver")] public string? Driver { get; set; }
    }
}

[Topic("laps", Format = TopicFormat.JsonSchema)]
public partial class SchemaLap
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("lap")] public int Lap { get; set; }
    [Parameter("seconds")] public double Seconds { get; set; }
    [Parameter("driver")] public string? Driver { get; set; }
}

[Topic("lap-speeds", Format = TopicFormat.JsonSchema)]
public partial class SchemaLapSpeed
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("kmh")] public double Kmh { get; set; }
    [Parameter("driver")] public string? Driver { get; set; }
}
