using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Benchmarks.Serialization;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// A JSON topic through a processor against the loop people write by hand for one: Confluent.Kafka consume, System.Text
/// Json's source-generated deserializer, a copy of the row, its serializer, produce. Same messages (plain JSON, no
/// Pipelines header), same broker, in one run; each operation is one message consumed, handled, produced and
/// acknowledged (<see cref="GatedLoops"/>).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 20, invocationCount: 1)]
public class JsonPassthroughBenchmarks
{
    private const int Messages = 50_000;
    private const int Partitions = 12;
    private const int Cars = 48;

    private GatedLoops loops = null!;
    private byte[][] keys = null!;
    private byte[][] values = null!;

    [GlobalSetup]
    public void Setup()
    {
        loops = new GatedLoops(Messages, Partitions, "raw-json", "processor-json");
        keys = Enumerable.Range(0, Cars).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
        values = Enumerable.Range(0, Messages).Select(i =>
        {
            var row = TelemetryData.Row(i);
            return MessageSerializer.Serialize(new JsonTelemetryRow { Timestamp = row.Timestamp, CarId = $"car-{i % Cars}", Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs });
        }).ToArray();
        loops.Add(Task.Factory.StartNew(RawJsonLoop, TaskCreationOptions.LongRunning));
        loops.Add(new ProcessorRunner<JsonTelemetryRow, JsonTelemetryRow>(
            new ProcessorOptions
            {
                Name = "processor-json",
                GroupId = "processor-json",
                InputTopic = "processor-json-in",
                OutputTopic = "processor-json-out",
                BootstrapServers = loops.Kafka.BootstrapServers,
                ConsumerKafka = GatedLoops.ConsumerSettings,
                Compression = Compression.None,
            },
            TestProcessor.Rows<JsonTelemetryRow, JsonTelemetryRow>((row, _, _) =>
            {
                loops.WaitAtGate();
                return ValueTask.FromResult<JsonTelemetryRow?>(new JsonTelemetryRow { Timestamp = row.Timestamp, CarId = row.CarId, Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs });
            })).RunAsync(loops.Stopping));
    }

    [GlobalCleanup]
    public void Cleanup() => loops.Dispose();

    [IterationSetup(Target = nameof(RawJson))]
    public void WriteRawInput() => loops.Write("raw-json", keys, values);

    [IterationSetup(Target = nameof(Processor))]
    public void WriteProcessorInput() => loops.Write("processor-json", keys, values);

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Confluent.Kafka loop with System.Text.Json (source-generated)")]
    public void RawJson() => loops.Run();

    [Benchmark(OperationsPerInvoke = Messages, Description = "Pipelines processor on a JSON topic")]
    public void Processor() => loops.Run();

    private void RawJsonLoop()
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = loops.Kafka.BootstrapServers, EnableIdempotence = true }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(GatedLoops.ConsumerSettings.ToDictionary()) { BootstrapServers = loops.Kafka.BootstrapServers, GroupId = "raw-json", AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
        consumer.Subscribe("raw-json-in");
        var output = new ArrayBufferWriter<byte>(512);
        using var writer = new Utf8JsonWriter(output);
        Action<DeliveryReport<byte[], byte[]>> delivered = report =>
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
}
