using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>Where the time of one packed-rows processor run goes: joining, handling, shutting down.</summary>
public static class PackedRowsRun
{
    public static void Run(int rowsPerMessage, int rows)
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        kafka.CreateTopic("in", 12);
        kafka.CreateTopic("out", 12);
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build())
        {
            var packed = new Headers { { MessageTypes.Header, "rows"u8.ToArray() } };
            for (var car = 0; car < 48; car++)
            {
                var key = System.Text.Encoding.UTF8.GetBytes($"car-{car}");
                foreach (var chunk in Enumerable.Range(0, rows / 48).Select(i => new PassthroughRow { Timestamp = i, CarId = $"car-{car}", Speed = i, Rpm = i }).Chunk(rowsPerMessage))
                {
                    producer.Produce("in", new Message<byte[], byte[]> { Key = key, Value = MessageSerializer.SerializePacked<PassthroughRow>(chunk), Headers = packed });
                }
            }

            producer.Flush();
        }

        for (var run = 0; run < 5; run++)
        {
            using var stop = new CancellationTokenSource();
            var handled = 0;
            long first = 0, last = 0;
            var started = Stopwatch.GetTimestamp();
            var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            var runner = new ProcessorRunner<PassthroughRow, PassthroughRow>(
                new ProcessorOptions
                {
                    Name = "packed",
                    GroupId = "packed-" + run,
                    InputTopic = "in",
                    OutputTopic = "out",
                    BootstrapServers = kafka.BootstrapServers,
                    ConsumerKafka = new Dictionary<string, string> { ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500" },
                    Compression = Compression.None,
                    OutputBuffer = new BufferOptions { MaxRows = rowsPerMessage, Timeout = TimeSpan.FromMilliseconds(100) },
                },
                TestProcessor.Batches<PassthroughRow, PassthroughRow>((batch, outputs, _, _) =>
                {
                    if (first == 0)
                    {
                        first = Stopwatch.GetTimestamp();
                    }

                    for (var i = 0; i < batch.Count; i++)
                    {
                        outputs.Add(new PassthroughRow { Timestamp = batch[i].Timestamp, CarId = batch[i].CarId, Speed = batch[i].Speed, Rpm = batch[i].Rpm });
                    }

                    handled += batch.Count;
                    if (handled == rows / 48 * 48)
                    {
                        last = Stopwatch.GetTimestamp();
                        stop.Cancel();
                    }

                    return default;
                }));
            runner.RunAsync(stop.Token).GetAwaiter().GetResult();
            var ended = Stopwatch.GetTimestamp();
            var handling = Stopwatch.GetElapsedTime(first, last);
            Console.WriteLine($"run {run}: to first row {Stopwatch.GetElapsedTime(started, first).TotalMilliseconds:N0} ms, handling {handling.TotalMilliseconds:N0} ms ({handled / handling.TotalSeconds:N0} rows/s), shutdown {Stopwatch.GetElapsedTime(last, ended).TotalMilliseconds:N0} ms; GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:N0} ms");
        }
    }
}
