using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Benchmarks.Processing;
using Pipelines.Infrastructure;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;
using Pipelines.Publishing;

namespace Pipelines.Benchmarks.Joins;

/// <summary>A car's registration: the table side of the lookup join, 100,000 of them.</summary>
[Topic("car-registry")]
public partial class CarRegistration
{
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public int Team { get; set; }
}

/// <summary>
/// The lookup join against its baseline, the same processor without it, and against Streamiz's stream–GlobalKTable and
/// stream–KTable joins on the same broker and data: each operation is one row consumed, looked up in a table of 100,000 entries,
/// copied with what it found and produced. Every engine runs from setup on, in its own group on its own topics, held at
/// a gate while an iteration's input is written (as in <see cref="PassthroughBenchmarks"/>). A Pipelines iteration ends
/// when its last output is acknowledged; a Streamiz one when its last row is joined (its outputs may still be in flight,
/// which favours it). The hand-written Confluent.Kafka loop that forwards each message's bytes, with nothing read and
/// nothing committed, is the floor any engine on this client and broker stands on.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 20, invocationCount: 1)]
public class LookupJoinBenchmarks
{
    private const int Messages = 100_000;
    private const int Partitions = 12;
    private const int TableEntries = 100_000;
    private const int RowsPerMessage = 100;

    private static readonly Dictionary<string, string> ConsumerSettings = new()
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
        ["fetch.wait.max.ms"] = "10", // as Streamiz here: the embedded broker holds an empty fetch for all of it
    };

    private EmbeddedKafka kafka = null!;
    private IProducer<byte[], byte[]> source = null!;
    private byte[][] keys = null!;
    private byte[][] values = null!;
    private Headers headers = null!;
    private MeterListener listener = null!;
    private readonly CancellationTokenSource stop = new();
    private readonly ManualResetEventSlim gate = new();
    private readonly List<Task> loops = [];
    private readonly ProcessorStatus joinStatus = new("join");
    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-bench-join", Guid.NewGuid().ToString("N"));
    private Streamiz.Kafka.Net.KafkaStream streamiz = null!;
    private Streamiz.Kafka.Net.KafkaStream streamizTable = null!;
    private TaskCompletionSource done = new();
    private long acknowledged;

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        // Keys placed as the registry's TopicWriter places them (murmur2), so the partitioned lookup finds every car.
        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5, Partitioner = Partitioner.Murmur2Random }).Build();

        // Rows of 100,000 cars, so lookups spread over the whole table (a key is a partition: they spread over all 12).
        keys = Enumerable.Range(0, TableEntries).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
        values = Enumerable.Range(0, Messages).Select(i => MessageSerializer.Serialize(PassthroughRow.Sample(i % TableEntries, i))).ToArray();
        headers = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };
        listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Acknowledge(value, tags));
        listener.Start();

        kafka.CreateTopic("car-registry", Partitions);
        kafka.CreateTopic(StreamizTableJoin.Changelog, Partitions);
        foreach (var topic in new[] { "raw", "nojoin", "join", "partitioned", "streamiz", "streamiz-table", "packed" })
        {
            kafka.CreateTopic(topic + "-in", Partitions);
            kafka.CreateTopic(topic + "-out", Partitions);
        }

        using (var registry = new TopicWriter<CarRegistration>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers, Compression = Compression.None }))
        {
            for (var i = 0; i < TableEntries; i++)
            {
                registry.Write(new CarRegistration { CarId = $"car-{i}", Team = i % 10 });
            }
        }

        loops.Add(RawPassthroughLoop.Start(kafka.BootstrapServers, ConsumerSettings, () => Count(1), gate, stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(Options("nojoin"), new Enrich(gate, join: false)).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(Options("join"), new Enrich(gate, join: true), status: joinStatus).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(Options("partitioned"), new Enrich(gate, join: true, partitioned: true)).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(Options("packed") with { OutputBuffer = new BufferOptions { MaxRows = RowsPerMessage } }, new EnrichBatches(gate, Count)).RunAsync(stop.Token));
        streamiz = StreamizLookup.Start(kafka.BootstrapServers, "streamiz-in", "streamiz-out", "car-registry", stateDirectory, gate, () => Count(1));
        streamizTable = StreamizTableJoin.Start(kafka.BootstrapServers, "streamiz-table-in", "streamiz-table-out", "car-registry", stateDirectory + "-table", gate, () => Count(1));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        stop.Cancel();
        gate.Set();
        Task.WaitAll(loops);
        streamiz.Dispose();
        streamizTable.Dispose();
        listener.Dispose();
        source.Dispose();
        kafka.Dispose();
        foreach (var directory in new[] { stateDirectory, stateDirectory + "-table" }.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [IterationSetup(Target = nameof(RawPassthrough))]
    public void WriteRawInput() => WriteInput("raw");

    [IterationSetup(Target = nameof(NoJoin))]
    public void WriteNoJoinInput() => WriteInput("nojoin");

    [IterationSetup(Target = nameof(LookupJoin))]
    public void WriteJoinInput() => WriteInput("join");

    [IterationSetup(Target = nameof(LookupJoinPacked))]
    public void WritePackedInput()
    {
        gate.Reset();
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref acknowledged, 0);
        counted = "packed";
        var rows = new List<PassthroughRow>(RowsPerMessage);
        var packedHeaders = new Headers { { "content-type", headers[0].GetValueBytes() }, { MessageTypes.Header, "rows"u8.ToArray() } };
        for (var first = 0; first < Messages; first += RowsPerMessage)
        {
            // A message holds rows of one stream: 100 rows of one car, as a writer packs them.
            rows.Clear();
            for (var i = first; i < first + RowsPerMessage; i++)
            {
                rows.Add(PassthroughRow.Sample(first / RowsPerMessage, i));
            }

            source.Produce("packed-in", new Message<byte[], byte[]> { Key = keys[first / RowsPerMessage], Value = MessageSerializer.SerializePacked(rows), Headers = packedHeaders });
        }

        source.Flush();
    }

    [IterationSetup(Target = nameof(LookupJoinPartitioned))]
    public void WritePartitionedInput() => WriteInput("partitioned");

    [IterationSetup(Target = nameof(Streamiz))]
    public void WriteStreamizInput() => WriteInput("streamiz");

    [IterationSetup(Target = nameof(StreamizTable))]
    public void WriteStreamizTableInput() => WriteInput("streamiz-table");

    [Benchmark(OperationsPerInvoke = Messages, Description = "raw Confluent.Kafka consume → produce, no join, no commit (the client's floor)")]
    public void RawPassthrough() => OpenGate();

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "processor, no join")]
    public void NoJoin() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "processor, lookup in a 100,000-entry GlobalTable")]
    public void LookupJoin() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "processor, lookup in a 100,000-entry Table (12 partitions, co-partitioned)")]
    public void LookupJoinPartitioned() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "batch handler, lookup per row, 100 rows per message")]
    public void LookupJoinPacked() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "Streamiz 1.8.2, stream joined with a 100,000-entry GlobalKTable")]
    public void Streamiz() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "Streamiz 1.8.2, stream left-joined with a 100,000-entry KTable (co-partitioned)")]
    public void StreamizTable() => OpenGate();

    private void WriteInput(string loop)
    {
        gate.Reset();
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref acknowledged, 0);
        counted = loop;
        for (var i = 0; i < Messages; i++)
        {
            source.Produce(loop + "-in", new Message<byte[], byte[]> { Key = keys[i % TableEntries], Value = values[i], Headers = headers });
        }

        source.Flush();
    }

    private string counted = "";

    private void OpenGate()
    {
        gate.Set();
        done.Task.GetAwaiter().GetResult();
    }

    private void Acknowledge(long count, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (counted == "packed")
        {
            return; // the packed loop counts the rows it handles
        }

        foreach (var tag in tags)
        {
            if (tag.Key == PipelinesTelemetry.ProcessorTag && !Equals(tag.Value, counted))
            {
                return; // the table writer's acknowledgements, at setup
            }
        }

        Count(count);
    }

    private void Count(long count)
    {
        if (Interlocked.Add(ref acknowledged, count) == Messages)
        {
            done.TrySetResult();
        }
    }

    private ProcessorOptions Options(string loop) => new()
    {
        Name = loop,
        GroupId = loop,
        InputTopic = loop + "-in",
        OutputTopic = loop + "-out",
        BootstrapServers = kafka.BootstrapServers,
        ConsumerKafka = ConsumerSettings,
        Compression = Compression.None,
    };

    /// <summary>Looks each row of a batch up and copies it with the car's team; counts the rows it handled (its outputs are packed).</summary>
    private sealed class EnrichBatches(ManualResetEventSlim gate, Action<long> handled) : IProcessor<PassthroughRow, PassthroughRow>
    {
        private static readonly TableDefinition[] Registry = [TableDefinition.Global<CarRegistration>("car-registry")];

        public ProcessorFeatures Features => ProcessorFeatures.Batches;

        public IReadOnlyList<TableDefinition> Tables => Registry;

        public ValueTask HandleAsync(IReadOnlyList<PassthroughRow> rows, Outputs<PassthroughRow> outputs, StreamContext context, CancellationToken cancellationToken)
        {
            gate.Wait();
            var registry = context.GlobalTable<CarRegistration>(0);
            for (var i = 0; i < rows.Count; i++)
            {
                var copy = rows[i].Copy();
                copy.Rpm = registry.TryGet(copy.CarId, out var registration) ? registration.Team : -1;
                _ = outputs.Add(copy); // completes at once for a row (it only keeps it)
            }

            handled(rows.Count);
            return default;
        }
    }

    /// <summary>Copies each row; with the join, it first looks the car up (in a global or a partitioned table) and puts its team in the copy.</summary>
    private sealed class Enrich(ManualResetEventSlim gate, bool join, bool partitioned = false) : IProcessor<PassthroughRow, PassthroughRow>
    {
        private static readonly TableDefinition[] Registry = [TableDefinition.Global<CarRegistration>("car-registry")];
        private static readonly TableDefinition[] PartitionedRegistry = [TableDefinition.Partitioned<CarRegistration>("car-registry")];

        public ProcessorFeatures Features => ProcessorFeatures.Rows;

        public IReadOnlyList<TableDefinition> Tables => !join ? [] : partitioned ? PartitionedRegistry : Registry;

        public ValueTask HandleAsync(PassthroughRow row, Outputs<PassthroughRow> outputs, StreamContext context, CancellationToken cancellationToken)
        {
            gate.Wait();
            var copy = row.Copy();
            if (join)
            {
                var found = partitioned
                    ? context.Table<CarRegistration>(0).TryGet(row.CarId, out var registration)
                    : context.GlobalTable<CarRegistration>(0).TryGet(row.CarId, out registration);
                copy.Rpm = found ? registration!.Team : -1;
            }

            return outputs.Add(copy);
        }
    }
}
