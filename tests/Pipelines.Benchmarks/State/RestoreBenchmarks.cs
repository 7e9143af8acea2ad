using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;
using Pipelines.State;

namespace Pipelines.Benchmarks.State;

/// <summary>
/// Restoring a partition's state from its changelog on the embedded broker: 30,000 records of 3,000 keys (kept under
/// the broker's 5 MiB per partition), read to the end and written to a fresh store, RocksDB or memory. Each operation
/// is one changelog record.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
public class RestoreBenchmarks
{
    private const int Records = 30_000;
    private const int Keys = 3_000;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "pipelines-bench-restore", Guid.NewGuid().ToString("N"));
    private EmbeddedKafka kafka = null!;
    private IProducer<byte[]?, byte[]?> producer = null!;
    private StateStage stage = null!;
    private int run;

    [Params(StateStoreKind.RocksDb, StateStoreKind.Memory)]
    public StateStoreKind Store { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("bench.state.changelog", 1);
        using (var source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < Records; i++)
            {
                var value = new StateRecord(new RowPosition(i, 0), MessageSerializer.Serialize(new SpeedSum { Count = i, Sum = i * 2.5 })).Encode();
                source.Produce("bench.state.changelog", new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes($"car-{i % Keys}"), Value = value });
            }

            source.Flush();
        }

        producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        producer.Dispose();
        kafka.Dispose();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [IterationSetup]
    public void NewStore()
    {
        var options = new ProcessorOptions
        {
            Name = "bench",
            GroupId = "bench",
            InputTopic = "in",
            BootstrapServers = kafka.BootstrapServers,
            StateStore = Store,
            StateDirectory = Path.Combine(directory, (run++).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        var table = Infrastructure.StateDefinition.Of<SpeedSum>("state").CreateTable(new object(), options);
        stage = new StateStage(options, table, producer, NullLogger.Instance, new("pipelines.processor", "bench"));
    }

    [IterationCleanup]
    public void CloseStore() => stage.Dispose();

    [Benchmark(OperationsPerInvoke = Records, Description = "Restore a partition's changelog")]
    public void Restore() => stage.Assign([0]);
}
