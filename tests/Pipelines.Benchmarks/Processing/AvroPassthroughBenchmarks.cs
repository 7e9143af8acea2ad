using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Pipelines.Benchmarks.Serialization;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// An Avro topic through a processor against the loop people write by hand for one: Confluent.Kafka consume, Confluent's
/// <c>AvroDeserializer</c> into a specific record, a copy of the row, Confluent's <c>AvroSerializer</c>, produce. Same
/// payloads in the Confluent wire format, same broker, the embedded Schema Registry, in one run; each operation is one
/// message consumed, handled, produced and acknowledged (<see cref="GatedLoops"/>).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 20, invocationCount: 1)]
public class AvroPassthroughBenchmarks
{
    private const int Messages = 50_000;
    private const int Partitions = 12;
    private const int Cars = 48;

    private GatedLoops loops = null!;
    private EmbeddedSchemaRegistry registry = null!;
    private CachedSchemaRegistryClient client = null!;
    private byte[][] keys = null!;
    private byte[][] ours = null!;
    private byte[][] theirs = null!;

    [GlobalSetup]
    public void Setup()
    {
        loops = new GatedLoops(Messages, Partitions, "raw-avro", "processor-avro");
        registry = EmbeddedSchemaRegistry.Start();
        client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        keys = Enumerable.Range(0, Cars).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();

        // Each loop's input in its own writer's schema (the specific record has its class's name), the same payload bytes.
        var ourWriter = new AvroMessageSerializer<AvroTopicRow>(client);
        var theirWriter = new AvroSerializer<SpecificTelemetryRow>(client).AsSyncOverAsync();
        ours = new byte[Messages][];
        theirs = new byte[Messages][];
        for (var i = 0; i < Messages; i++)
        {
            var row = TelemetryData.Row(i);
            ours[i] = ourWriter.Serialize(new AvroTopicRow { Timestamp = row.Timestamp, CarId = $"car-{i % Cars}", Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs }, new SerializationContext(MessageComponentType.Value, "processor-avro-in"));
            theirs[i] = theirWriter.Serialize(new SpecificTelemetryRow { Timestamp = row.Timestamp, CarId = $"car-{i % Cars}", Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs }, new SerializationContext(MessageComponentType.Value, "raw-avro-in"));
        }

        loops.Add(Task.Factory.StartNew(RawAvroLoop, TaskCreationOptions.LongRunning));
        loops.Add(new ProcessorRunner<AvroTopicRow, AvroTopicRow>(
            new ProcessorOptions
            {
                Name = "processor-avro",
                GroupId = "processor-avro",
                InputTopic = "processor-avro-in",
                OutputTopic = "processor-avro-out",
                BootstrapServers = loops.Kafka.BootstrapServers,
                SchemaRegistry = client,
                ConsumerKafka = GatedLoops.ConsumerSettings,
                Compression = Compression.None,
            },
            TestProcessor.Rows<AvroTopicRow, AvroTopicRow>((row, _, _) =>
            {
                loops.WaitAtGate();
                return ValueTask.FromResult<AvroTopicRow?>(new AvroTopicRow { Timestamp = row.Timestamp, CarId = row.CarId, Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs });
            })).RunAsync(loops.Stopping));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        loops.Dispose();
        client.Dispose();
        registry.Dispose();
    }

    [IterationSetup(Target = nameof(RawAvro))]
    public void WriteRawInput() => loops.Write("raw-avro", keys, theirs);

    [IterationSetup(Target = nameof(Processor))]
    public void WriteProcessorInput() => loops.Write("processor-avro", keys, ours);

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Confluent.Kafka loop with Confluent's Avro serdes (specific record)")]
    public void RawAvro() => loops.Run();

    [Benchmark(OperationsPerInvoke = Messages, Description = "Pipelines processor on an Avro topic")]
    public void Processor() => loops.Run();

    private void RawAvroLoop()
    {
        using var producer = new ProducerBuilder<byte[], SpecificTelemetryRow>(new ProducerConfig { BootstrapServers = loops.Kafka.BootstrapServers, EnableIdempotence = true })
            .SetValueSerializer(new AvroSerializer<SpecificTelemetryRow>(client).AsSyncOverAsync()).Build();
        using var consumer = new ConsumerBuilder<byte[], SpecificTelemetryRow>(new ConsumerConfig(GatedLoops.ConsumerSettings.ToDictionary()) { BootstrapServers = loops.Kafka.BootstrapServers, GroupId = "raw-avro", AutoOffsetReset = AutoOffsetReset.Earliest })
            .SetValueDeserializer(new AvroDeserializer<SpecificTelemetryRow>(client).AsSyncOverAsync()).Build();
        consumer.Subscribe("raw-avro-in");
        Action<DeliveryReport<byte[], SpecificTelemetryRow>> delivered = report =>
        {
            if (!report.Error.IsError)
            {
                loops.Delivered(1);
            }
        };
        while (!loops.Stopping.IsCancellationRequested)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } result)
            {
                continue;
            }

            loops.WaitAtGate();
            var row = result.Message.Value;
            var copy = new SpecificTelemetryRow { Timestamp = row.Timestamp, CarId = row.CarId, Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs };
            producer.Produce("raw-avro-out", new Message<byte[], SpecificTelemetryRow> { Key = result.Message.Key, Value = copy }, delivered);
        }

        producer.Flush();
        consumer.Close();
    }
}

/// <summary>The benchmark row on an Avro topic.</summary>
[Topic("processor-avro-in", Format = TopicFormat.Avro)]
public partial class AvroTopicRow
{
    [Parameter] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter] public double Throttle { get; set; }
    [Parameter] public double Brake { get; set; }
    [Parameter] public double Steering { get; set; }
    [Parameter] public double OilTemp { get; set; }
    [Parameter] public double FuelFlow { get; set; }
    [Parameter] public int Rpm { get; set; }
    [Parameter] public bool Drs { get; set; }
}
