using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// What each <see cref="Compression"/> costs a producer and saves on the wire, for 50,000 telemetry rows (20 cars,
/// the content-type header a processor writes) sent one per message or packed <see cref="RowsPerMessage"/> to a
/// message in the packed-rows layout, produced and acknowledged on the embedded broker with a processor's producer
/// settings. Time and allocation are per row; bytes on the wire per row (librdkafka's <c>tx_bytes</c>: produce
/// requests as sent, protocol framing included) are printed at the end of each case.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10)]
public class CompressionBenchmarks
{
    private const int Rows = 50_000;
    private const int Cars = 20;

    private EmbeddedKafka kafka = null!;
    private Message<byte[], byte[]>[] messages = null!;
    private int round;

    [Params(Compression.None, Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd)]
    public Compression Codec { get; set; }

    [Params(1, 10, 100, 1000)]
    public int RowsPerMessage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start();
        var headers = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };
        var rows = Enumerable.Range(0, Rows).Select(i => new PassthroughRow
            {
                Timestamp = 1_700_000_000_000_000_000 + i * 10_000_000L,
                CarId = $"car-{i % Cars}",
                Speed = 250.5 + Math.Sin(i / 100.0) * 40,
                Throttle = (i % 100) / 100.0,
                Brake = 0.125 * (i % 3),
                Steering = Math.Cos(i / 50.0) * 0.3,
                OilTemp = 101.25 + (i % 7) * 0.5,
                Rpm = 11_000 + i % 900,
            }).ToArray();

        // A car's rows travel together, as an output buffer would pack them: consecutive rows of one stream key.
        messages = rows.GroupBy(r => r.CarId)
            .SelectMany(car => car.Chunk(RowsPerMessage).Select(chunk => new Message<byte[], byte[]>
            {
                Key = System.Text.Encoding.UTF8.GetBytes(car.Key),
                Value = RowsPerMessage == 1 ? MessageSerializer.Serialize(chunk[0]) : MessageSerializer.SerializePacked<PassthroughRow>(chunk),
                Headers = headers,
            }))
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// wire: {Codec} x{RowsPerMessage} {MeasureWireBytes() / (double)Rows:F2} bytes/row");
        kafka.Dispose();
    }

    private IProducer<byte[], byte[]>? producer;
    private string topic = "";

    // A connected producer and an existing topic, so that an operation is producing, not connecting or creating.
    [IterationSetup]
    public void Connect()
    {
        topic = $"compressed-{Codec}-{RowsPerMessage}-{round++}";
        kafka.CreateTopic(topic, 4);
        producer = Build(statistics: null);
        producer.Produce(topic, messages[0]);
        producer.Flush(TimeSpan.FromMinutes(1));
    }

    [IterationCleanup]
    public void Disconnect() => producer?.Dispose();

    [Benchmark(OperationsPerInvoke = Rows)]
    public void Produce() => Send(producer!, topic);

    private long MeasureWireBytes()
    {
        var sent = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var producer = Build(statistics: json =>
        {
            using var stats = JsonDocument.Parse(json);
            if (stats.RootElement.GetProperty("txmsgs").GetInt64() >= messages.Length)
            {
                sent.TrySetResult(stats.RootElement.GetProperty("tx_bytes").GetInt64());
            }
        });
        kafka.CreateTopic($"measured-{Codec}-{RowsPerMessage}", 4);
        Send(producer, $"measured-{Codec}-{RowsPerMessage}");
        return sent.Task.WaitAsync(TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
    }

    private IProducer<byte[], byte[]> Build(Action<string>? statistics)
    {
        // Exactly what a processor's producer gets, with this case's codec.
        var config = KafkaSettings.Producer(new ProcessorOptions
        {
            Name = "compression",
            GroupId = "compression",
            InputTopic = "unused",
            BootstrapServers = kafka.BootstrapServers,
            Compression = Codec,
        });
        config.StatisticsIntervalMs = statistics is null ? 0 : 100;
        var builder = new ProducerBuilder<byte[], byte[]>(config);
        if (statistics is not null)
        {
            builder.SetStatisticsHandler((_, json) => statistics(json));
        }

        return builder.Build();
    }

    private void Send(IProducer<byte[], byte[]> producer, string topic)
    {
        foreach (var message in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, message);
                    break;
                }
                catch (ProduceException<byte[], byte[]> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(1));
    }
}
