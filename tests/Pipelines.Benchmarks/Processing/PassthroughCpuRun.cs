using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// PassthroughBenchmarks' two loops taking turns in one process: a round of the hand-written loop, then a round of
/// the processor, and so on, so that a change in the machine's background load falls on both alike. Reports, per
/// message, the elapsed time and the CPU time of the whole process (both clients, the embedded broker): on a machine
/// whose cores they share, CPU is what decides throughput.
/// </summary>
public static class PassthroughCpuRun
{
    private const int Messages = 100_000;
    private const int Cars = 48;
    private const int WarmUpRounds = 3;

    public static void Run(int rounds)
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        foreach (var topic in new[] { "raw-in", "raw-out", "processor-in", "processor-out" })
        {
            kafka.CreateTopic(topic, 12);
        }

        var keys = Enumerable.Range(0, Cars).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
        var values = Enumerable.Range(0, Messages).Select(i => MessageSerializer.Serialize(PassthroughRow.Sample(i % Cars, i))).ToArray();
        var headers = new Headers { { "content-type", System.Text.Encoding.UTF8.GetBytes(MessageSerializer.SchemaOf<PassthroughRow>().ContentType) } };
        using var source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();

        long acknowledged = 0;
        using var done = new ManualResetEventSlim();
        void Acknowledge(long count)
        {
            if (Interlocked.Add(ref acknowledged, count) == Messages)
            {
                done.Set();
            }
        }

        using var listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Acknowledge(value));
        listener.Start();

        using var gate = new ManualResetEventSlim();
        using var stop = new CancellationTokenSource();
        var raw = RawPassthroughLoop.Start(kafka.BootstrapServers, null, () => Acknowledge(1), gate, stop.Token);
        var processor = new ProcessorRunner<PassthroughRow, PassthroughRow>(
            new ProcessorOptions { Name = "processor", GroupId = "processor", InputTopic = "processor-in", OutputTopic = "processor-out", BootstrapServers = kafka.BootstrapServers, Compression = Compression.None },
            TestProcessor.Rows<PassthroughRow, PassthroughRow>((row, _, _) =>
            {
                gate.Wait();
                return ValueTask.FromResult<PassthroughRow?>(row.Copy());
            })).RunAsync(stop.Token);

        var results = new Dictionary<string, List<(double Elapsed, double Cpu)>> { ["raw"] = [], ["processor"] = [] };
        Console.WriteLine($"{Messages:N0} messages per round, {rounds} rounds of each loop after {WarmUpRounds} warm-up rounds; µs per message, elapsed / CPU of the process:");
        for (var round = 0; round < rounds + WarmUpRounds; round++)
        {
            foreach (var loop in results.Keys)
            {
                gate.Reset();
                done.Reset();
                Interlocked.Exchange(ref acknowledged, 0);
                for (var i = 0; i < Messages; i++)
                {
                    source.Produce(loop + "-in", new Message<byte[], byte[]> { Key = keys[i % Cars], Value = values[i], Headers = headers });
                }

                source.Flush();
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                gate.Set();
                done.Wait();

                var elapsed = clock.Elapsed.TotalMicroseconds / Messages;
                process.Refresh();
                var cpuPerMessage = (process.TotalProcessorTime - cpu).TotalMicroseconds / Messages;
                Console.Write($"  {loop} {elapsed:N2} / {cpuPerMessage:N2}");
                if (round >= WarmUpRounds)
                {
                    results[loop].Add((elapsed, cpuPerMessage));
                }
            }

            Console.WriteLine(round < WarmUpRounds ? "  (warm-up)" : "");
        }

        stop.Cancel();
        gate.Set();
        raw.GetAwaiter().GetResult();
        processor.GetAwaiter().GetResult();

        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        var (rawElapsed, rawCpu) = (Median(results["raw"].Select(r => r.Elapsed)), Median(results["raw"].Select(r => r.Cpu)));
        var (processorElapsed, processorCpu) = (Median(results["processor"].Select(r => r.Elapsed)), Median(results["processor"].Select(r => r.Cpu)));
        Console.WriteLine();
        Console.WriteLine("| Loop | elapsed per message (median) | messages/s | CPU per message (median) |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| Raw Confluent.Kafka passthrough | {rawElapsed:N2} µs | {1e6 / rawElapsed:N0} | {rawCpu:N2} µs |");
        Console.WriteLine($"| Pipelines processor | {processorElapsed:N2} µs | {1e6 / processorElapsed:N0} ({rawElapsed / processorElapsed:N2}× raw) | {processorCpu:N2} µs ({processorCpu / rawCpu:N2}× raw) |");
    }
}
