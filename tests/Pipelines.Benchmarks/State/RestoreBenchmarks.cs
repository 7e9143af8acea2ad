using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;
using Pipelines.State;

namespace Pipelines.Benchmarks.State;

/// <summary>
/// Restoring a processor's state from its changelog on the embedded broker: 1,000,000 records of 100,000 keys over 25
/// partitions (40,000 records, about 1.6 MB, each: under the broker's 5 MiB per partition), read to the end into fresh
/// stores, as an instance given 25 partitions restores them. The floor is a bare Confluent.Kafka consumer reading the
/// same partitions to their end in the same run; "ready with stores intact" opens the 25 stores a restore left and
/// finds nothing to restore. Each operation is one changelog record (the ready benchmark: one assignment).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class RestoreBenchmarks
{
    private const int Partitions = 25;
    private const int Records = 1_000_000;
    private const int Keys = 100_000;
    private const string Changelog = "bench.state.changelog";

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
        kafka.CreateTopic(Changelog, Partitions);
        using (var source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 20, BatchNumMessages = 10_000 }).Build())
        {
            for (var i = 0; i < Records; i++)
            {
                var value = new StateRecord(new RowPosition(i, 0), MessageSerializer.Serialize(new SpeedSum { Count = i, Sum = i * 2.5 })).Encode();
                while (true)
                {
                    try
                    {
                        source.Produce(new TopicPartition(Changelog, i % Partitions), new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes($"car-{i % Keys}"), Value = value });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        source.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
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

    [IterationSetup(Targets = [nameof(Restore)])]
    public void NewStores() => stage = Stage((run++).ToString(System.Globalization.CultureInfo.InvariantCulture));

    [IterationSetup(Target = nameof(ReadyWithStoresIntact))]
    public void RestoredStores()
    {
        // The first time, a restore fills the stores this benchmark then reopens with nothing to restore.
        using (var fill = Stage("intact"))
        {
            fill.Assign(Enumerable.Range(0, Partitions));
        }

        stage = Stage("intact");
    }

    [IterationCleanup(Targets = [nameof(Restore), nameof(ReadyWithStoresIntact)])]
    public void CloseStores() => stage.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Records, Description = "Bare consumer reads the 25 partitions to their end (the floor)")]
    public long BareConsumer() => ReadToEnd(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "floor", EnablePartitionEof = true, EnableAutoCommit = false });

    [Benchmark(OperationsPerInvoke = Records, Description = "Bare consumer with the restore's fetch.queue.backoff.ms")]
    public long TunedBareConsumer() => ReadToEnd(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "floor", EnablePartitionEof = true, EnableAutoCommit = false, FetchQueueBackoffMs = 10 });

    [Benchmark(OperationsPerInvoke = Records, Description = "Restore 25 partitions into fresh stores")]
    public void Restore() => stage.Assign(Enumerable.Range(0, Partitions));

    [Benchmark(Description = "Ready with 25 stores intact (per assignment)")]
    public void ReadyWithStoresIntact() => stage.Assign(Enumerable.Range(0, Partitions));

    private long ReadToEnd(ConsumerConfig config)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Changelog, p, Offset.Beginning)));
        var (read, ended) = (0L, 0);
        while (ended < Partitions)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("The changelog gave nothing for 30 s.");
            if (result.IsPartitionEOF)
            {
                ended++;
            }
            else
            {
                read += result.Message.Value.Length;
            }
        }

        return read;
    }

    private StateStage Stage(string name)
    {
        var options = new ProcessorOptions
        {
            Name = "bench",
            GroupId = "bench",
            InputTopic = "in",
            BootstrapServers = kafka.BootstrapServers,
            StateStore = Store,
            StateDirectory = Path.Combine(directory, Store.ToString(), name),
        };
        var table = Infrastructure.StateDefinition.Of<SpeedSum>("state").CreateTable(new object(), options);
        return new StateStage(options, table, producer, NullLogger.Instance, new("pipelines.processor", "bench"));
    }
}
