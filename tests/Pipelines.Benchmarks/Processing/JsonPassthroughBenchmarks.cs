using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Benchmarks.Serialization;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// A JSON topic through a processor against the loop people write by hand for one: Confluent.Kafka consume, System.Text
/// Json's source-generated deserializer, a copy of the row, its serializer, produce. Same messages (plain JSON, no
/// Pipelines header), same broker, in one run; each operation is one message consumed, handled, produced and
/// acknowledged. Set up as <see cref="PassthroughBenchmarks"/>: loops started once, held at a gate while an
/// iteration's input is written.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 20, invocationCount: 1)]
public class JsonPassthroughBenchmarks
{
    private const int Messages = 50_000;
    private const int Partitions = 12;
    private const int Cars = 48;

    private static readonly Dictionary<string, string> ConsumerSettings = new()
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
    };

    private readonly CancellationTokenSource stop = new();
    private readonly ManualResetEventSlim gate = new();
    private readonly List<Task> loops = [];
    private EmbeddedKafka kafka = null!;
    private IProducer<byte[], byte[]> source = null!;
    private byte[][] keys = null!;
    private byte[][] values = null!;
    private MeterListener listener = null!;
    private TaskCompletionSource done = new();
    private long acknowledged;

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        keys = Enumerable.Range(0, Cars).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
        values = Enumerable.Range(0, Messages).Select(i =>
        {
            var row = TelemetryData.Row(i);
            return MessageSerializer.Serialize(new JsonTelemetryRow { Timestamp = row.Timestamp, CarId = $"car-{i % Cars}", Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs });
        }).ToArray();
        listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Acknowledge(value));
        listener.Start();
        foreach (var topic in new[] { "raw-json", "processor-json" })
        {
            kafka.CreateTopic(topic + "-in", Partitions);
            kafka.CreateTopic(topic + "-out", Partitions);
        }

        loops.Add(Task.Factory.StartNew(RawJsonLoop, TaskCreationOptions.LongRunning));
        loops.Add(new ProcessorRunner<JsonTelemetryRow, JsonTelemetryRow>(
            new ProcessorOptions
            {
                Name = "processor-json",
                GroupId = "processor-json",
                InputTopic = "processor-json-in",
                OutputTopic = "processor-json-out",
                BootstrapServers = kafka.BootstrapServers,
                ConsumerKafka = ConsumerSettings,
                Compression = Compression.None,
            },
            TestProcessor.Rows<JsonTelemetryRow, JsonTelemetryRow>((row, _, _) =>
            {
                gate.Wait();
                return ValueTask.FromResult<JsonTelemetryRow?>(new JsonTelemetryRow { Timestamp = row.Timestamp, CarId = row.CarId, Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs });
            })).RunAsync(stop.Token));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        stop.Cancel();
        gate.Set();
        Task.WaitAll(loops);
        listener.Dispose();
        source.Dispose();
        kafka.Dispose();
    }

    [IterationSetup(Target = nameof(RawJson))]
    public void WriteRawInput() => WriteInput("raw-json");

    [IterationSetup(Target = nameof(Processor))]
    public void WriteProcessorInput() => WriteInput("processor-json");

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Confluent.Kafka loop with System.Text.Json (source-generated)")]
    public void RawJson() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "Pipelines processor on a JSON topic")]
    public void Processor() => OpenGate();

    private void RawJsonLoop()
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(ConsumerSettings) { BootstrapServers = kafka.BootstrapServers, GroupId = "raw-json", AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
        consumer.Subscribe("raw-json-in");
        var output = new ArrayBufferWriter<byte>(512);
        using var writer = new Utf8JsonWriter(output);
        Action<DeliveryReport<byte[], byte[]>> delivered = report =>
        {
            if (!report.Error.IsError)
            {
                Acknowledge(1);
            }
        };
        while (!stop.IsCancellationRequested)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } result)
            {
                continue;
            }

            gate.Wait();
            var row = JsonSerializer.Deserialize(result.Message.Value, StjContext.Default.StjTelemetryRow)!;
            var copy = new StjTelemetryRow { Timestamp = row.Timestamp, CarId = row.CarId, Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs };
            output.ResetWrittenCount();
            writer.Reset(output);
            JsonSerializer.Serialize(writer, copy, StjContext.Default.StjTelemetryRow);
            writer.Flush();
            producer.Produce("raw-json-out", new Message<byte[], byte[]> { Key = result.Message.Key, Value = output.WrittenSpan.ToArray() }, delivered);
        }

        producer.Flush();
        consumer.Close();
    }

    private void WriteInput(string loop)
    {
        gate.Reset();
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref acknowledged, 0);
        for (var i = 0; i < Messages; i++)
        {
            source.Produce(loop + "-in", new Message<byte[], byte[]> { Key = keys[i % Cars], Value = values[i] });
        }

        source.Flush();
    }

    private void OpenGate()
    {
        gate.Set();
        done.Task.GetAwaiter().GetResult();
    }

    private void Acknowledge(long count)
    {
        if (Interlocked.Add(ref acknowledged, count) == Messages)
        {
            done.TrySetResult();
        }
    }
}
