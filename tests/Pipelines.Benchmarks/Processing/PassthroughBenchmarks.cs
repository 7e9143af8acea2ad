using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// A processor on the embedded broker against its ceiling, a hand-written Confluent.Kafka consume → produce loop
/// over the same bytes. Each operation is one message: consumed, handled, produced and acknowledged. Every loop is
/// started once and kept running, each in its own group on its own topics: an iteration's input is written while
/// the loops are held at a gate (not measured), then the gate opens and the iteration ends when the last output is
/// acknowledged. That measures a running pipeline's throughput, not joining a group and leaving it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 20, invocationCount: 1)]
public class PassthroughBenchmarks
{
    // An iteration's input stays well inside the embedded broker's 5 MiB per partition.
    private const int Messages = 100_000;
    private const int Partitions = 12;
    private const int Cars = 48;

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
    private TaskCompletionSource done = new();
    private long acknowledged;

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        keys = Enumerable.Range(0, Cars).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
        values = Enumerable.Range(0, Messages).Select(i => MessageSerializer.Serialize(PassthroughRow.Sample(i % Cars, i))).ToArray();

        // The input is what an held processor writes, header included, so every loop moves the same bytes.
        headers = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };

        // Outputs acknowledged, counted where the runner counts them (the raw loop counts its own).
        listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Acknowledge(value));
        listener.Start();

        foreach (var topic in new[] { "raw", "processor", "batch" })
        {
            kafka.CreateTopic(topic + "-in", Partitions);
            kafka.CreateTopic(topic + "-out", Partitions);
        }

        loops.Add(RawPassthroughLoop.Start(kafka.BootstrapServers, ConsumerSettings, () => Acknowledge(1), gate, stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(
            Options("processor"),
            TestProcessor.Rows<PassthroughRow, PassthroughRow>((row, _, _) =>
            {
                gate.Wait();
                return ValueTask.FromResult<PassthroughRow?>(row.Copy());
            })).RunAsync(stop.Token));
        loops.Add(new ProcessorRunner<PassthroughRow, PassthroughRow>(
            Options("batch"),
            TestProcessor.Batches<PassthroughRow, PassthroughRow>((rows, outputs, _, _) =>
            {
                gate.Wait();
                for (var i = 0; i < rows.Count; i++)
                {
                    outputs.Add(rows[i].Copy());
                }

                return default;
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

    [IterationSetup(Target = nameof(RawPassthrough))]
    public void WriteRawInput() => WriteInput("raw");

    [IterationSetup(Target = nameof(Processor))]
    public void WriteProcessorInput() => WriteInput("processor");

    [IterationSetup(Target = nameof(BatchProcessor))]
    public void WritePackedInput() => WriteInput("batch");

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Raw Confluent.Kafka passthrough")]
    public void RawPassthrough() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "Pipelines processor")]
    public void Processor() => OpenGate();

    [Benchmark(OperationsPerInvoke = Messages, Description = "Pipelines processor, batch handler")]
    public void BatchProcessor() => OpenGate();

    private void WriteInput(string loop)
    {
        gate.Reset();
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref acknowledged, 0);
        for (var i = 0; i < Messages; i++)
        {
            source.Produce(loop + "-in", new Message<byte[], byte[]> { Key = keys[i % Cars], Value = values[i], Headers = headers });
        }

        source.Flush();
    }

    // The loop that was given input is waiting at the gate with its first message; the iteration ends when its
    // last output is acknowledged.
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

    private ProcessorOptions Options(string loop) => new()
    {
        Name = loop,
        GroupId = loop,
        InputTopic = loop + "-in",
        OutputTopic = loop + "-out",
        BootstrapServers = kafka.BootstrapServers,
        ConsumerKafka = ConsumerSettings,
        Compression = Compression.None, // the raw loop does not compress either: same bytes on both sides
    };
}
