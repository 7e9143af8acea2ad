using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// End-to-end latency of a processor on the embedded broker: a source produces rows at a steady rate, each
/// stamped with the time it was produced; a reader of the processor's output records how long each took.
/// Run once with librdkafka's defaults and once with <see cref="ProcessorOptions.LowLatency"/> (and the
/// matching settings on the source and the reader: fetch.wait.max.ms 1, linger.ms 4). Not a BenchmarkDotNet benchmark: latency under a steady
/// load is a distribution, not a mean per operation.
/// </summary>
public static class LatencyRun
{
    public static void Run(int rate, TimeSpan duration)
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        Console.WriteLine($"Rate {rate:N0} msg/s for {duration.TotalSeconds:N0} s after a 2 s warm-up; 3-broker embedded cluster, 6 partitions.");
        Console.WriteLine();
        Console.WriteLine("| Setting | p50 | p90 | p99 | p99.9 | max | messages |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var lowLatency in new[] { false, true })
        {
            var latencies = Measure(kafka, lowLatency, rate, duration);
            latencies.Sort();
            string At(double quantile) => $"{latencies[Math.Min(latencies.Count - 1, (int)(quantile * latencies.Count))]:N1} ms";
            Console.WriteLine($"| {(lowLatency ? "LowLatency = true" : "defaults")} | {At(0.5)} | {At(0.9)} | {At(0.99)} | {At(0.999)} | {latencies[^1]:N1} ms | {latencies.Count:N0} |");
        }
    }

    private static List<double> Measure(EmbeddedKafka kafka, bool lowLatency, int rate, TimeSpan duration)
    {
        var input = lowLatency ? "latency-low-in" : "latency-default-in";
        var output = lowLatency ? "latency-low-out" : "latency-default-out";
        kafka.CreateTopic(input, 6);
        kafka.CreateTopic(output, 6);
        var clientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500" };

        using var stop = new CancellationTokenSource();
        var runner = new ProcessorRunner<PassthroughRow, PassthroughRow>(
            new ProcessorOptions
            {
                Name = "latency",
                GroupId = input + "-processor",
                InputTopic = input,
                OutputTopic = output,
                BootstrapServers = kafka.BootstrapServers,
                ConsumerKafka = clientSettings,
                LowLatency = lowLatency,
                Compression = Compression.None, // as the numbers recorded before compression was on by default
            },
            (row, _, _) => ValueTask.FromResult<PassthroughRow?>(new PassthroughRow { Timestamp = row.Timestamp, CarId = row.CarId, Speed = row.Speed, Rpm = row.Rpm }));
        var running = runner.RunAsync(stop.Token);

        var readerConfig = new ConsumerConfig(clientSettings)
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = output + "-reader",
            AutoOffsetReset = AutoOffsetReset.Latest,
            FetchWaitMaxMs = lowLatency ? 1 : null,
        };
        var latencies = new List<double>();
        var expected = (long)(duration.TotalSeconds * rate * 0.99);
        using var arrived = new ManualResetEventSlim();
        var warmUpEnds = 0L;
        using var reader = new ConsumerBuilder<Ignore, byte[]>(readerConfig).Build();
        reader.Subscribe(output);
        var reading = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var result = reader.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message?.Value is { } value)
                {
                    var now = Now();
                    var row = MessageSerializer.Deserialize<PassthroughRow>(value);
                    if (row.Timestamp >= Volatile.Read(ref warmUpEnds) && warmUpEnds != 0)
                    {
                        latencies.Add((now - row.Timestamp) / 1_000_000.0);
                        if (latencies.Count >= expected)
                        {
                            arrived.Set();
                        }
                    }
                }
            }
        });

        using (var source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = lowLatency ? 4 : null }).Build())
        {
            var keys = Enumerable.Range(0, 24).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
            var warmUp = TimeSpan.FromSeconds(2);
            var clock = Stopwatch.StartNew();
            var sent = 0L;
            while (clock.Elapsed < warmUp + duration)
            {
                if (warmUpEnds == 0 && clock.Elapsed >= warmUp)
                {
                    Volatile.Write(ref warmUpEnds, Now());
                }

                // Produce what is due by now, then yield the core until the next millisecond.
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                for (; sent < due; sent++)
                {
                    var row = new PassthroughRow { Timestamp = Now(), CarId = $"car-{sent % 24}", Speed = sent, Rpm = 11_000 };
                    source.Produce(input, new Message<byte[], byte[]> { Key = keys[sent % 24], Value = MessageSerializer.Serialize(row) });
                }

                Thread.Sleep(1);
            }

            source.Flush();
        }

        // Let the last messages arrive before stopping the reader.
        arrived.Wait(TimeSpan.FromSeconds(10));

        stop.Cancel();
        reading.GetAwaiter().GetResult();
        running.GetAwaiter().GetResult();
        reader.Close();
        return latencies;
    }

    private static long Now() => DateTime.UtcNow.Ticks * 100;
}
