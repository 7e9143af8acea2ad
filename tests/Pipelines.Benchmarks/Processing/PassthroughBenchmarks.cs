using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// A processor on the embedded broker against its ceiling, a hand-written Confluent.Kafka consume → produce loop
/// over the same bytes. Each operation is one message: consumed, handled, produced and acknowledged; every
/// invocation joins a fresh consumer group, reads the whole input, flushes, commits and leaves.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 6)]
public class PassthroughBenchmarks
{
    private const int Messages = 100_000;
    private const int Partitions = 12;
    private const int Cars = 48;
    private const string Input = "bench-input";
    private const string Output = "bench-output";

    private EmbeddedKafka kafka = null!;
    private int groups;

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        kafka.CreateTopic(Input, Partitions);
        kafka.CreateTopic(Output, Partitions);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        var keys = Enumerable.Range(0, Cars).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();

        // The input is what an upstream processor writes, header included, so both loops move the same bytes.
        var headers = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };
        for (var i = 0; i < Messages; i++)
        {
            var row = PassthroughRow.Sample(i % Cars, i);
            producer.Produce(Input, new Message<byte[], byte[]> { Key = keys[i % Cars], Value = MessageSerializer.Serialize(row), Headers = headers });
        }

        producer.Flush();
    }

    [GlobalCleanup]
    public void Cleanup() => kafka.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Raw Confluent.Kafka passthrough")]
    public void RawPassthrough()
    {
        var delivered = 0;
        Action<DeliveryReport<byte[], byte[]>> onDelivered = report =>
        {
            if (!report.Error.IsError)
            {
                Interlocked.Increment(ref delivered);
            }
        };
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(ConsumerConfig()).Build();
        consumer.Subscribe(Input);
        for (var consumed = 0; consumed < Messages;)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException($"The input ran dry after {consumed} messages.");

            producer.Produce(Output, new Message<byte[], byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = result.Message.Headers }, onDelivered);
            consumed++;
        }

        producer.Flush();
        consumer.Commit();
        consumer.Close();
        Check(delivered);
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Pipelines processor")]
    public void Processor()
    {
        using var stop = new CancellationTokenSource();
        var handled = 0;
        var runner = new ProcessorRunner<PassthroughRow, PassthroughRow>(
            Options(),
            (row, context, cancellationToken) =>
            {
                if (++handled == Messages)
                {
                    stop.Cancel();
                }

                return ValueTask.FromResult<PassthroughRow?>(row.Copy());
            });
        runner.RunAsync(stop.Token).GetAwaiter().GetResult();
        Check(handled);
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Pipelines processor, batch handler")]
    public void BatchProcessor()
    {
        using var stop = new CancellationTokenSource();
        var handled = 0;
        var runner = new ProcessorRunner<PassthroughRow, PassthroughRow>(
            Options(),
            (rows, outputs, context, cancellationToken) =>
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    outputs.Add(rows[i].Copy());
                }

                handled += rows.Count;
                if (handled == Messages)
                {
                    stop.Cancel();
                }

                return default;
            },
            handlesBatches: true);
        runner.RunAsync(stop.Token).GetAwaiter().GetResult();
        Check(handled);
    }


    private ProcessorOptions Options() => new()
    {
        Name = "bench",
        GroupId = NextGroup(),
        InputTopic = Input,
        OutputTopic = Output,
        BootstrapServers = kafka.BootstrapServers,
        ConsumerKafka = ConsumerSettings,
        Compression = Compression.None, // the raw loop does not compress either: same bytes on both sides
    };

    private static readonly Dictionary<string, string> ConsumerSettings = new()
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
    };

    private ConsumerConfig ConsumerConfig() => new(ConsumerSettings)
    {
        BootstrapServers = kafka.BootstrapServers,
        GroupId = NextGroup(),
        AutoOffsetReset = AutoOffsetReset.Earliest,
    };

    private string NextGroup() => "bench-" + Interlocked.Increment(ref groups);

    private static void Check(int count)
    {
        if (count != Messages)
        {
            throw new InvalidOperationException($"Expected {Messages} messages, got {count}.");
        }
    }
}
