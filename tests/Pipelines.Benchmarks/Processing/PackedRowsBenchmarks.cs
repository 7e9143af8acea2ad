using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// Rows through a running pipeline (consume → batch handler → produce, every output acknowledged) with 10, 100 and
/// 1,000 rows per Kafka message on both sides, against the hand-written single-row Confluent.Kafka loop the issue
/// names as the baseline (one row per message through a processor is PassthroughBenchmarks). Each operation is one row. Both loops are started once and kept running: an
/// iteration's input is written while they are held at a gate (not measured), then the gate opens and the
/// iteration ends when the last output is acknowledged. That measures throughput, not joining a group. Input
/// messages carry the packed-rows layout; the processor's output buffer packs its outputs the same way. No
/// compression on either side.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 6, iterationCount: 10, invocationCount: 1)]
public class PackedRowsBenchmarks
{
    // Sized so that an iteration's input fits the embedded broker's 5 MiB per partition with room to spare.
    private const int Cars = 48;
    private const int RawRows = 48 * 1000;
    private const int PackedRows = 48 * 6000;
    private const int Partitions = 12;

    // The embedded broker answers a fetch that found no data only after the full fetch.wait.max.ms (500 ms by
    // default), even when data arrives meanwhile; a real broker answers at once. A short wait, on both loops,
    // keeps that quirk out of a throughput measurement.
    private readonly Dictionary<string, string> consumerSettings = new() { ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500", ["fetch.wait.max.ms"] = "10" };
    private EmbeddedKafka kafka = null!;
    private IProducer<byte[], byte[]> source = null!;
    private MeterListener listener = null!;
    private CancellationTokenSource stop = null!;
    private Task processor = null!;
    private Thread raw = null!;
    private long produced;
    private int handled;
    private int rawDelivered;
    private readonly SemaphoreSlim rawGate = new(0);
    private TaskCompletionSource processorGate = new();
    private TaskCompletionSource processorDone = new();
    private PassthroughRow[][] rows = null!;

    [Params(10, 100, 1000)]
    public int RowsPerMessage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        foreach (var topic in new[] { "raw-in", "raw-out", "packed-in", "packed-out" })
        {
            kafka.CreateTopic(topic, Partitions);
        }

        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        rows = Enumerable.Range(0, Cars).Select(car => Enumerable.Range(0, PackedRows / Cars).Select(i => PassthroughRow.Sample(car, i)).ToArray()).ToArray();

        // Acknowledged outputs, counted where the runner counts them.
        listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref produced, value));
        listener.Start();

        stop = new CancellationTokenSource();
        processor = StartProcessor();
        raw = new Thread(RawLoop) { IsBackground = true, Name = "raw loop" };
        raw.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        stop.Cancel();
        rawGate.Release();
        processorGate.TrySetResult();
        processor.GetAwaiter().GetResult();
        raw.Join();
        listener.Dispose();
        source.Dispose();
        kafka.Dispose();
    }

    [IterationSetup(Target = nameof(RawSingleRows))]
    public void WriteRawInput()
    {
        rawDelivered = 0;
        var headers = Headers(packed: false);
        foreach (var car in rows)
        {
            var key = System.Text.Encoding.UTF8.GetBytes(car[0].CarId);
            foreach (var row in car.AsSpan(0, RawRows / Cars))
            {
                source.Produce("raw-in", new Message<byte[], byte[]> { Key = key, Value = MessageSerializer.Serialize(row), Headers = headers });
            }
        }

        source.Flush();
    }

    [IterationSetup(Target = nameof(PackedProcessor))]
    public void WritePackedInput()
    {
        processorGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        processorDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref handled, 0);
        Interlocked.Exchange(ref produced, 0);
        var headers = Headers(packed: true);
        foreach (var car in rows)
        {
            var key = System.Text.Encoding.UTF8.GetBytes(car[0].CarId);
            foreach (var chunk in car.Chunk(RowsPerMessage))
            {
                var value = MessageSerializer.SerializePacked<PassthroughRow>(chunk);
                source.Produce("packed-in", new Message<byte[], byte[]> { Key = key, Value = value, Headers = headers });
            }
        }

        source.Flush();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RawRows, Description = "Raw Confluent.Kafka loop, one row per message")]
    public void RawSingleRows()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rawDone = done;
        rawGate.Release();
        done.Task.GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = PackedRows, Description = "Pipelines processor, packed rows in and out")]
    public void PackedProcessor()
    {
        processorGate.SetResult();
        processorDone.Task.GetAwaiter().GetResult();

        // The iteration ends when every output message is acknowledged.
        var expected = (PackedRows / Cars + RowsPerMessage - 1) / RowsPerMessage * Cars;
        var spin = new SpinWait();
        while (Interlocked.Read(ref produced) < expected)
        {
            spin.SpinOnce();
        }
    }

    private TaskCompletionSource rawDone = new();

    private Task StartProcessor()
    {
        var options = new ProcessorOptions
        {
            Name = "packed",
            GroupId = "packed-" + RowsPerMessage,
            InputTopic = "packed-in",
            OutputTopic = "packed-out",
            BootstrapServers = kafka.BootstrapServers,
            ConsumerKafka = consumerSettings,
            Compression = Compression.None,

            // Each stream's rows divide into full buffers, so the timeout never holds an iteration's end.
            OutputBuffer = new BufferOptions { MaxRows = RowsPerMessage, Timeout = TimeSpan.FromMilliseconds(20) },
        };
        var runner = new ProcessorRunner<PassthroughRow, PassthroughRow>(
            options,
            TestProcessor.Batches<PassthroughRow, PassthroughRow>(async (batch, outputs, _, _) =>
            {
                await processorGate.Task;
                for (var i = 0; i < batch.Count; i++)
                {
                    _ = outputs.Add(batch[i].Copy());
                }

                if (Interlocked.Add(ref handled, batch.Count) == PackedRows)
                {
                    processorDone.TrySetResult();
                }
            }));
        return runner.RunAsync(stop.Token);
    }

    private void RawLoop()
    {
        Action<DeliveryReport<byte[], byte[]>> onDelivered = report =>
        {
            if (!report.Error.IsError && Interlocked.Increment(ref rawDelivered) == RawRows)
            {
                rawDone.TrySetResult();
            }
        };
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(consumerSettings) { BootstrapServers = kafka.BootstrapServers, GroupId = "raw", AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
        consumer.Subscribe("raw-in");
        var consumed = RawRows;
        while (!stop.IsCancellationRequested)
        {
            // One iteration's input, then wait for the next gate: the next input is written while the loop is held.
            if (consumed == RawRows)
            {
                rawGate.Wait();
                consumed = 0;
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                consumed++;
                var row = MessageSerializer.Deserialize<PassthroughRow>(result.Message.Value);
                producer.Produce("raw-out", new Message<byte[], byte[]> { Key = result.Message.Key, Value = MessageSerializer.Serialize(row.Copy()), Headers = result.Message.Headers }, onDelivered);
            }
        }

        consumer.Close();
    }

    private static Headers Headers(bool packed)
    {
        var headers = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };
        if (packed)
        {
            headers.Add(MessageTypes.Header, "rows"u8.ToArray());
        }

        return headers;
    }


}
