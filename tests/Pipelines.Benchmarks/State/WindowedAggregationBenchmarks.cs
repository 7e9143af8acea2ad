using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Benchmarks.Processing;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;
using Streamiz.Kafka.Net;

namespace Pipelines.Benchmarks.State;

/// <summary>
/// Windowed aggregation end to end on the embedded broker: one-second tumbling windows per car (48 cars, 100 rows a
/// second each), count and mean of the speed, state in RocksDB with a changelog. Pipelines (generated code, rows one
/// per message and packed 100 per message) against Streamiz with its RocksDB window store on the same broker, rows
/// and bytes. Every engine is started once and kept running; an iteration's rows are written while they wait at a
/// gate, and it ends when the last row was aggregated. Every consumer waits at most 10 ms for a fetch: the embedded
/// broker answers an empty fetch only after the whole fetch.wait.max.ms (500 ms by default), even when data arrives
/// meanwhile, which a real broker does not. Each iteration's rows are later in data time than the last's,
/// so they close the previous iteration's windows.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 10, invocationCount: 1)]
public class WindowedAggregationBenchmarks
{
    private const int Cars = 48;
    private const int Partitions = 12;
    private const int RowsPerCar = 1_000; // ten seconds at 100 Hz
    private const int Rows = Cars * RowsPerCar;
    private const int PackedRowsPerCar = 8_000;
    private const int PackedRows = Cars * PackedRowsPerCar;
    private const int RowsPerMessage = 100;
    private const long Millisecond = 1_000_000;

    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-bench-state", Guid.NewGuid().ToString("N"));
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];
    private EmbeddedKafka kafka = null!;
    private IProducer<byte[], byte[]> source = null!;
    private KafkaStream streamiz = null!;
    private long nextSecond = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        foreach (var topic in new[] { "rows-in", "rows-out", "packed-in", "packed-out", "streamiz-in", "streamiz-out", "rows.windows.changelog", "packed.windows.changelog", "plain-in", "plain-out" }.Concat(StreamizWindows.InternalTopics))
        {
            kafka.CreateTopic(topic, Partitions);
        }

        AggregationClock.Expect(long.MaxValue);
        loops.Add(new ProcessorRunner<PassthroughRow, SpeedMean>(Options("rows"), new SpeedWindows()).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, SpeedMean>(Options("packed"), new SpeedWindows()).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, SpeedMean>(Options("plain"), TestProcessor.Rows<PassthroughRow, SpeedMean>((_, _, _) =>
        {
            AggregationClock.Row();
            return ValueTask.FromResult<SpeedMean?>(null);
        })).RunAsync(stop.Token));
        streamiz = StreamizWindows.Start(kafka.BootstrapServers, "streamiz-in", "streamiz-out", Path.Combine(stateDirectory, "streamiz"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        stop.Cancel();
        AggregationClock.Gate.Set();
        Task.WaitAll(loops);
        streamiz.Dispose();
        source.Dispose();
        kafka.Dispose();
        Directory.Delete(stateDirectory, recursive: true);
    }

    [IterationSetup(Target = nameof(Streamiz))]
    public void WriteStreamizInput() => WriteRows("streamiz-in", RowsPerCar);

    [IterationSetup(Target = nameof(Pipelines))]
    public void WritePipelinesInput() => WriteRows("rows-in", RowsPerCar);

    [IterationSetup(Target = nameof(PipelinesPacked))]
    public void WritePackedInput() => WriteRows("packed-in", PackedRowsPerCar, RowsPerMessage);

    [IterationSetup(Target = nameof(PlainPacked))]
    public void WritePlainInput() => WriteRows("plain-in", PackedRowsPerCar, RowsPerMessage);

    [Benchmark(OperationsPerInvoke = PackedRows, Description = "Pipelines row handler without state, 100 rows per message")]
    public void PlainPacked() => AggregationClock.Run();

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Streamiz 1.8.2, RocksDB window store, a row per message")]
    public void Streamiz() => AggregationClock.Run();

    [Benchmark(OperationsPerInvoke = Rows, Description = "Pipelines [Window], a row per message")]
    public void Pipelines() => AggregationClock.Run();

    [Benchmark(OperationsPerInvoke = PackedRows, Description = "Pipelines [Window], 100 rows per message")]
    public void PipelinesPacked() => AggregationClock.Run();

    /// <summary>Writes <paramref name="perCar"/> rows of each car, 10 ms apart from the next unused second, one or <paramref name="packed"/> per message.</summary>
    private void WriteRows(string topic, int perCar, int packed = 1)
    {
        AggregationClock.Expect((long)perCar * Cars);
        var first = nextSecond * 1000 * Millisecond;
        nextSecond += (perCar / 100) + 1;
        var headers = new Headers { { MessageTypes.Header, System.Text.Encoding.UTF8.GetBytes(packed == 1 ? MessageTypes.Row : MessageTypes.Rows) } };
        var rows = new PassthroughRow[packed];
        for (var at = 0; at < perCar; at += packed)
        {
            for (var car = 0; car < Cars; car++)
            {
                var carId = $"car-{car}";
                for (var i = 0; i < packed; i++)
                {
                    rows[i] = new PassthroughRow { Timestamp = first + ((at + i) * 10 * Millisecond), CarId = carId, Speed = 200 + ((at + i) % 100), Rpm = 9000 };
                }

                var value = packed == 1 ? MessageSerializer.Serialize(rows[0]) : MessageSerializer.SerializePacked<PassthroughRow>(rows);
                source.Produce(topic, new Message<byte[], byte[]>
                {
                    Key = System.Text.Encoding.UTF8.GetBytes(carId),
                    Value = value,
                    Headers = headers,
                    Timestamp = new Timestamp(rows[0].Timestamp / Millisecond, TimestampType.CreateTime),
                });
            }
        }

        source.Flush();
    }

    private ProcessorOptions Options(string loop) => new()
    {
        Name = loop,
        GroupId = loop,
        InputTopic = loop + "-in",
        OutputTopic = loop + "-out",
        BootstrapServers = kafka.BootstrapServers,
        StateDirectory = stateDirectory,
        ConsumerKafka = new Dictionary<string, string> { ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500", ["fetch.wait.max.ms"] = "10" },
        Compression = Compression.None,
    };
}
