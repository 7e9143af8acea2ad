using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Benchmarks.Processing;
using Pipelines.Infrastructure;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Joins;

/// <summary>A car's position: the other stream of the interval join, as often as its telemetry.</summary>
[Topic("bench-gps")]
public partial class GpsRow
{
    [Timestamp] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Latitude { get; set; }
    [Parameter] public double Longitude { get; set; }
    [Parameter] public double Altitude { get; set; }
    [Parameter] public double Heading { get; set; }
}

/// <summary>
/// An interval join of two 100 Hz streams per key (telemetry and position, 20 cars, timestamps 10 ms apart on both)
/// within one second, against the same two topics merged without a join: each operation is one row consumed from
/// either topic; every processor writes one output per telemetry row (the join: the pair with the same timestamp).
/// Every iteration writes the next five seconds of every car, so data time moves on and rows leave the state; the
/// join reports the most rows a key held waiting. The join has the default grace (the interval): the backlog of each
/// iteration reaches it in timestamp order across the topics, so no row is late. A third processor merges the topics
/// in fetch order (<see cref="ProcessorOptions.MaxInputWait"/> zero): what putting rows in timestamp order costs.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class IntervalJoinBenchmarks
{
    private const int Cars = 20;
    private const int RowsPerCar = 500; // five seconds at 100 Hz, per side, per iteration
    private const int Rows = 2 * Cars * RowsPerCar;
    private const int Partitions = 12;

    private static readonly Dictionary<string, string> ConsumerSettings = new()
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
        ["fetch.wait.max.ms"] = "10", // the embedded broker holds an empty fetch for all of it
    };

    private readonly CancellationTokenSource stop = new();
    private readonly ManualResetEventSlim gate = new();
    private readonly List<Task> loops = [];
    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-bench-interval", Guid.NewGuid().ToString("N"));
    private EmbeddedKafka kafka = null!;
    private IProducer<byte[], byte[]> source = null!;
    private TaskCompletionSource done = new();
    private long handled;

    /// <summary>How many rows the join handled over the run.</summary>
    private static long joined;
    private int iteration;

    /// <summary>The most rows one key held waiting in the join's state, over the whole run.</summary>
    public static int MaxWaiting;

    /// <summary>How many rows of the join came further behind the key's data time than the grace.</summary>
    public static int Late;

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        foreach (var loop in new[] { "merge", "fetch-order", "join" })
        {
            kafka.CreateTopic(loop + "-telemetry", Partitions);
            kafka.CreateTopic(loop + "-gps", Partitions);
            kafka.CreateTopic(loop + "-out", Partitions);
        }

        kafka.CreateTopic("join.join.changelog", Partitions);
        loops.Add(new ProcessorRunner<Merged<PassthroughRow, GpsRow>, PassthroughRow>(Options("merge"), new Merge(gate, Count)).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<Merged<PassthroughRow, GpsRow>, PassthroughRow>(Options("fetch-order") with { MaxInputWait = TimeSpan.Zero }, new Merge(gate, Count)).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<Merged<PassthroughRow, GpsRow>, PassthroughRow>(Options("join"), new Joiner(gate, Count)).RunAsync(stop.Token));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        stop.Cancel();
        gate.Set();
        Task.WaitAll(loops);
        var (records, bytes) = Changelog();
        if (records > 0)
        {
            Console.WriteLine($"// interval join: its changelog holds {records:N0} records, {bytes:N0} bytes of keys and values, for {joined:N0} rows joined ({(double)bytes / joined:N0} B per row)");
        }

        source.Dispose();
        kafka.Dispose();
        Console.WriteLine($"// interval join: at most {MaxWaiting} rows waited per key (both sides); {Late} rows were late");
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [IterationSetup(Target = nameof(Merged))]
    public void WriteMergeInput() => WriteInput("merge");

    [IterationSetup(Target = nameof(MergedInFetchOrder))]
    public void WriteFetchOrderInput() => WriteInput("fetch-order");

    [IterationSetup(Target = nameof(IntervalJoin))]
    public void WriteJoinInput() => WriteInput("join");

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "two 100 Hz topics merged, no join")]
    public void Merged() => OpenGate();

    [Benchmark(OperationsPerInvoke = Rows, Description = "the same, in fetch order (MaxInputWait 0)")]
    public void MergedInFetchOrder() => OpenGate();

    [Benchmark(OperationsPerInvoke = Rows, Description = "interval join of two 100 Hz topics within 1 s")]
    public void IntervalJoin() => OpenGate();

    private void WriteInput(string loop)
    {
        gate.Reset();
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref handled, 0);
        var first = iteration++ * RowsPerCar; // each iteration the next five seconds: data time moves on
        var telemetryHeaders = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };
        for (var i = first; i < first + RowsPerCar; i++)
        {
            for (var car = 0; car < Cars; car++)
            {
                var row = PassthroughRow.Sample(car, i);
                var key = System.Text.Encoding.UTF8.GetBytes(row.CarId);
                source.Produce(loop + "-telemetry", new Message<byte[], byte[]> { Key = key, Value = MessageSerializer.Serialize(row), Headers = telemetryHeaders });
                var gps = new GpsRow { Timestamp = row.Timestamp, CarId = row.CarId, Latitude = 52.07 + (i * 1e-6), Longitude = -1.01, Altitude = 153, Heading = i % 360 };
                source.Produce(loop + "-gps", new Message<byte[], byte[]> { Key = key, Value = MessageSerializer.Serialize(gps) });
            }
        }

        source.Flush();
    }

    private void OpenGate()
    {
        gate.Set();
        done.Task.GetAwaiter().GetResult();
    }

    /// <summary>What the join wrote to its changelog over the run: records, and bytes of keys and values.</summary>
    private (long Records, long Bytes) Changelog()
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "changelog-count", EnablePartitionEof = true }).Build();
        var (records, bytes, ended) = (0L, 0L, 0);
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset("join.join.changelog", p, Offset.Beginning)));
        while (ended < Partitions && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                ended++;
                continue;
            }

            records++;
            bytes += (result.Message.Key?.Length ?? 0) + (result.Message.Value?.Length ?? 0);
        }

        return (records, bytes);
    }

    private void Count()
    {
        if (Interlocked.Increment(ref handled) == Rows)
        {
            done.TrySetResult();
        }
    }

    private ProcessorOptions Options(string loop) => new()
    {
        Name = loop,
        GroupId = loop,
        InputTopic = loop + "-telemetry",
        InputTopics = [loop + "-telemetry", loop + "-gps"],
        OutputTopic = loop + "-out",
        BootstrapServers = kafka.BootstrapServers,
        ConsumerKafka = ConsumerSettings,
        Compression = Compression.None,
        StateDirectory = stateDirectory,
    };

    /// <summary>The baseline: both topics read as one input, each telemetry row copied, no state.</summary>
    private sealed class Merge(ManualResetEventSlim gate, Action handled) : IProcessor<Merged<PassthroughRow, GpsRow>, PassthroughRow>
    {
        public ProcessorFeatures Features => ProcessorFeatures.Rows;

        public ValueTask HandleAsync(Merged<PassthroughRow, GpsRow> row, Outputs<PassthroughRow> outputs, StreamContext context, CancellationToken cancellationToken)
        {
            gate.Wait();
            handled();
            return row.Input == 0 ? outputs.Add(row.First!.Copy()) : default;
        }
    }

    /// <summary>The join: each telemetry row with the positions within a second, written for the one of the same time.</summary>
    private sealed class Joiner(ManualResetEventSlim gate, Action handled) : IProcessor<Merged<PassthroughRow, GpsRow>, PassthroughRow>, IJoinHandler<PassthroughRow, GpsRow, PassthroughRow>
    {
        private static readonly StateDefinition State = StateDefinition.Of<JoinRows<PassthroughRow, GpsRow>>("join");
        // The default grace: an iteration's five seconds of both topics come in timestamp order across them.
        private static readonly JoinDefinition Within = new() { Kind = JoinKind.Interval, Within = TimeSpan.FromSeconds(1), Grace = TimeSpan.FromSeconds(1) };

        public ProcessorFeatures Features => ProcessorFeatures.Rows;

        StateDefinition? IProcessor<Merged<PassthroughRow, GpsRow>, PassthroughRow>.State => State;

        public async ValueTask HandleAsync(Merged<PassthroughRow, GpsRow> row, Outputs<PassthroughRow> outputs, StreamContext context, CancellationToken cancellationToken)
        {
            gate.Wait();
            var state = context.State<JoinRows<PassthroughRow, GpsRow>>();
            try
            {
                await JoinCalls.HandleAsync(row, state, Within, this, outputs);
            }
            catch (LateRowException)
            {
                // Counted, not retried: the run reports how many rows came later than the grace.
                Interlocked.Increment(ref Late);
            }

            if (state.Value.Count > MaxWaiting)
            {
                MaxWaiting = state.Value.Count;
            }

            handled();
            Interlocked.Increment(ref joined);
        }

        public PassthroughRow? Join(PassthroughRow left, GpsRow? right) =>
            right is not null && right.Timestamp == left.Timestamp ? left.Copy() : null;
    }
}
