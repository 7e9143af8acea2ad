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
/// The lookup join against its baseline, the same processor without it: each operation is one row consumed, looked up
/// in a <see cref="GlobalTable{T}"/> of 100,000 entries, copied with what it found and produced. Both processors run
/// from setup on, each in its own group on its own topics, held at a gate while an iteration's input is written (as in
/// <see cref="PassthroughBenchmarks"/>).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 20, invocationCount: 1)]
public class LookupJoinBenchmarks
{
    private const int Messages = 100_000;
    private const int Partitions = 12;
    private const int TableEntries = 100_000;

    private static readonly Dictionary<string, string> ConsumerSettings = new()
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
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
    private TaskCompletionSource done = new();
    private long acknowledged;

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();

        // Rows of 100,000 cars, so lookups spread over the whole table (a key is a partition: they spread over all 12).
        keys = Enumerable.Range(0, TableEntries).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
        values = Enumerable.Range(0, Messages).Select(i => MessageSerializer.Serialize(PassthroughRow.Sample(i % TableEntries, i))).ToArray();
        headers = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };
        listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Acknowledge(value, tags));
        listener.Start();

        kafka.CreateTopic("car-registry", Partitions);
        foreach (var topic in new[] { "nojoin", "join" })
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

        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(Options("nojoin"), new Enrich(gate, join: false)).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(Options("join"), new Enrich(gate, join: true), status: joinStatus).RunAsync(stop.Token));
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

    [IterationSetup(Target = nameof(NoJoin))]
    public void WriteNoJoinInput() => WriteInput("nojoin");

    [IterationSetup(Target = nameof(LookupJoin))]
    public void WriteJoinInput() => WriteInput("join");

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "processor, no join")]
    public void NoJoin() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "processor, lookup in a 100,000-entry GlobalTable")]
    public void LookupJoin() => OpenGate();

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
        foreach (var tag in tags)
        {
            if (tag.Key == PipelinesTelemetry.ProcessorTag && !Equals(tag.Value, counted))
            {
                return; // the table writer's acknowledgements, at setup
            }
        }

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

    /// <summary>Copies each row; with the join, it first looks the car up and puts its team in the copy.</summary>
    private sealed class Enrich(ManualResetEventSlim gate, bool join) : IProcessor<PassthroughRow, PassthroughRow>
    {
        private static readonly TableDefinition[] Registry = [TableDefinition.Global<CarRegistration>("car-registry")];

        public ProcessorFeatures Features => ProcessorFeatures.Rows;

        public IReadOnlyList<TableDefinition> Tables => join ? Registry : [];

        public ValueTask HandleAsync(PassthroughRow row, Outputs<PassthroughRow> outputs, StreamContext context, CancellationToken cancellationToken)
        {
            gate.Wait();
            var copy = row.Copy();
            if (join)
            {
                copy.Rpm = context.Table<CarRegistration>(0).TryGet(row.CarId, out var registration) ? registration.Team : -1;
            }

            return outputs.Add(copy);
        }
    }
}
