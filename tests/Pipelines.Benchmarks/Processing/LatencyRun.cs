using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// End-to-end latency of a processor on the embedded broker: a source produces rows at a steady rate, each
/// stamped with the time it was produced; a reader of the processor's output records how long each took.
/// Three setups, each on a fresh cluster: the processor with librdkafka's defaults, with
/// <see cref="ProcessorOptions.LowLatency"/>, and a hand-written Confluent.Kafka consume → produce loop with the same
/// low-latency settings (the baseline). The source and the reader use the setup's fetch.wait.max.ms and linger.ms.
/// Not a BenchmarkDotNet benchmark: latency under a steady load is a distribution, not a mean per operation.
/// </summary>
public static class LatencyRun
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    private enum Setup
    {
        Defaults,
        LowLatency,
        RawLowLatency,
    }

    public static void Run(int rate, TimeSpan duration)
    {
        Console.WriteLine($"Rate {rate:N0} msg/s for {duration.TotalSeconds:N0} s, from {WarmUp.TotalSeconds:N0} s after rows first arrive; a fresh 3-broker embedded cluster per setup, 6 partitions.");
        Console.WriteLine();
        Console.WriteLine("| Setup | p50 | p90 | p99 | p99.9 | max | messages | p99 per second (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var setup in Enum.GetValues<Setup>())
        {
            var (latencies, perSecond) = Measure(setup, rate, duration);
            latencies.Sort();
            string At(double quantile) => $"{latencies[Math.Min(latencies.Count - 1, (int)(quantile * latencies.Count))]:N1} ms";
            var name = setup switch
            {
                Setup.Defaults => "processor, librdkafka defaults",
                Setup.LowLatency => "processor, `LowLatency = true`",
                _ => "hand-written loop, the same settings",
            };
            Console.WriteLine($"| {name} | {At(0.5)} | {At(0.9)} | {At(0.99)} | {At(0.999)} | {latencies[^1]:N1} ms | {latencies.Count:N0} | {perSecond} |");
        }
    }

    private static (List<double> Latencies, string PerSecond) Measure(Setup setup, int rate, TimeSpan duration)
    {
        // A fresh cluster each time: the embedded broker finds a fetch offset by walking the partition's log from
        // its start, so its cost grows with what earlier setups left behind (see BENCHMARKS.md).
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        const string input = "latency-in", output = "latency-out";
        kafka.CreateTopic(input, 6);
        kafka.CreateTopic(output, 6);
        var lowLatency = setup != Setup.Defaults;
        var clientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500" };

        using var stop = new CancellationTokenSource();
        var running = setup == Setup.RawLowLatency
            ? Task.Factory.StartNew(
                () => RawPassthroughLoop.Run(
                    new ConsumerConfig(clientSettings) { BootstrapServers = kafka.BootstrapServers, GroupId = input + "-raw", AutoOffsetReset = AutoOffsetReset.Earliest, FetchWaitMaxMs = int.Parse(KafkaSettings.LowLatencyFetchWaitMs) },
                    new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true, LingerMs = int.Parse(KafkaSettings.LowLatencyLingerMs) },
                    input,
                    output,
                    acknowledged: null,
                    gate: null,
                    stop.Token),
                TaskCreationOptions.LongRunning)
            : new ProcessorRunner<PassthroughRow, PassthroughRow>(
                new ProcessorOptions
                {
                    Name = "latency",
                    GroupId = input + "-processor",
                    InputTopic = input,
                    OutputTopic = output,
                    BootstrapServers = kafka.BootstrapServers,
                    ConsumerKafka = clientSettings,
                    LowLatency = lowLatency,
                    Compression = Compression.None, // as the raw loop, and the numbers recorded before compression was on by default
                },
                TestProcessor.Rows<PassthroughRow, PassthroughRow>((row, _, _) => ValueTask.FromResult<PassthroughRow?>(row.Copy()))).RunAsync(stop.Token);

        var readerConfig = new ConsumerConfig(clientSettings)
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = output + "-reader",
            AutoOffsetReset = AutoOffsetReset.Latest,
            FetchWaitMaxMs = lowLatency ? int.Parse(KafkaSettings.LowLatencyFetchWaitMs) : null,
        };
        var latencies = new List<double>();
        var sentAt = new List<long>();
        var expected = (long)(duration.TotalSeconds * rate * 0.99);
        using var arrived = new ManualResetEventSlim();
        var measuredFrom = 0L;
        var firstArrival = 0L;
        using var reader = new ConsumerBuilder<Ignore, byte[]>(readerConfig).Build();
        reader.Subscribe(output);
        var reading = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var result = reader.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message?.Value is { } value)
                {
                    var now = Now();
                    var row = MessageSerializer.Deserialize<PassthroughRow>(value);
                    if (firstArrival == 0)
                    {
                        Volatile.Write(ref firstArrival, now);
                    }

                    var from = Volatile.Read(ref measuredFrom);
                    if (from != 0 && row.Timestamp >= from)
                    {
                        latencies.Add((now - row.Timestamp) / 1_000_000.0);
                        sentAt.Add(row.Timestamp - from);
                        if (latencies.Count >= expected)
                        {
                            arrived.Set();
                        }
                    }
                }
            }
        }, TaskCreationOptions.LongRunning);

        var sourceConfig = new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            LingerMs = lowLatency ? int.Parse(KafkaSettings.LowLatencyLingerMs) : null,
        };
        using (var source = new ProducerBuilder<byte[], byte[]>(sourceConfig).Build())
        {
            var keys = Enumerable.Range(0, 24).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
            var clock = Stopwatch.StartNew();
            TimeSpan? measuring = null;
            var sent = 0L;
            while (measuring is null || clock.Elapsed < measuring + duration)
            {
                // Measure the steady state: from a while after rows first came out, when group joins and the first
                // fetches are behind both consumers.
                var first = Volatile.Read(ref firstArrival);
                if (measuring is null && first != 0 && Now() - first >= WarmUp.Ticks * 100)
                {
                    Volatile.Write(ref measuredFrom, Now());
                    measuring = clock.Elapsed;
                }
                else if (first == 0 && clock.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new TimeoutException("Nothing came out of the processor within a minute.");
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
        return (latencies, P99PerSecond(latencies, sentAt));
    }

    // Where the tail comes from: a stall shows as one bad second, a trend as a rising line.
    private static string P99PerSecond(List<double> latencies, List<long> sentAt) =>
        string.Join(" ", latencies
            .Select((latency, i) => (Second: sentAt[i] / 1_000_000_000, Latency: latency))
            .GroupBy(x => x.Second)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var sorted = g.Select(x => x.Latency).Order().ToList();
                return sorted[(int)(0.99 * sorted.Count)].ToString("N0");
            }));

    private static long Now() => DateTime.UtcNow.Ticks * 100;
}
