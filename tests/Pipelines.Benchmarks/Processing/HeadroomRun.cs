using System.Diagnostics;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;
using Pipelines.Publishing;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// The sizing case: 20 cars sending 50 parameters at 100 Hz (2,000 rows/s). Writes a stretch of that
/// telemetry as a device gateway would (ten rows per message), then lets a processor with a one-second input buffer
/// average every parameter per car, and measures the CPU the whole process spends per second of telemetry:
/// processor, producer and the embedded broker serving both, all in one process. Run it on one core:
/// <c>taskset -c 0 dotnet run -c Release --project tests/Pipelines.Benchmarks -- headroom</c>.
/// Not a BenchmarkDotNet benchmark: the question is how much of one core a real-time load takes.
/// </summary>
public static class HeadroomRun
{
    private const int Cars = 20;
    private const int RateHz = 100;

    public static void Run(TimeSpan telemetry)
    {
        var rows = (int)(telemetry.TotalSeconds * RateHz);
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 1 });
        kafka.CreateTopic("wide-telemetry", 12);
        kafka.CreateTopic("wide-averages", 12);
        Console.WriteLine($"{Environment.ProcessorCount} core(s) available; {Cars} cars × 50 parameters × {RateHz} Hz = {Cars * RateHz:N0} rows/s; {telemetry.TotalSeconds:N0} s of telemetry ({rows * Cars:N0} rows).");

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        using (var writer = new TopicWriter<WideTelemetryRow>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers, Buffer = new BufferOptions { MaxRows = 10 } }))
        {
            for (var i = 0; i < rows; i++)
            {
                for (var car = 0; car < Cars; car++)
                {
                    writer.Write(Row(car, i));
                }
            }

            writer.Flush();
        }

        var writeCpu = process.TotalProcessorTime - cpuBefore;
        var writeWall = watch.Elapsed;

        using var stop = new CancellationTokenSource();
        var handled = 0;
        var runner = new ProcessorRunner<WideTelemetryRow, WideAverages>(
            new ProcessorOptions
            {
                Name = "headroom",
                GroupId = "headroom",
                InputTopic = "wide-telemetry",
                OutputTopic = "wide-averages",
                BootstrapServers = kafka.BootstrapServers,
                InputBuffer = new BufferOptions { DataSpan = TimeSpan.FromSeconds(1) },
                ConsumerKafka = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "10" },
            },
            TestProcessor.Batches<WideTelemetryRow, WideAverages>((batch, outputs, _, _) =>
            {
                var means = new double[50];
                for (var i = 0; i < batch.Count; i++)
                {
                    Accumulate(batch[i], means);
                }

                for (var p = 0; p < means.Length; p++)
                {
                    means[p] /= batch.Count;
                }

                if (Interlocked.Add(ref handled, batch.Count) >= (rows - RateHz) * Cars)
                {
                    // Each car's last second waits for a row that never comes; the rest is in.
                    stop.Cancel();
                }

                return outputs.Add(new WideAverages { Timestamp = batch[0].Timestamp, CarId = batch[0].CarId, Samples = batch.Count, Means = means });
            }));
        cpuBefore = process.TotalProcessorTime;
        watch.Restart();
        runner.RunAsync(stop.Token).GetAwaiter().GetResult();
        var processCpu = process.TotalProcessorTime - cpuBefore;
        var processWall = watch.Elapsed;

        Console.WriteLine($"| stage | wall | CPU | CPU per second of telemetry | share of one core at 100 Hz |");
        Console.WriteLine($"|---|---:|---:|---:|---:|");
        Line("write (TopicWriter, 10 rows/message)", writeWall, writeCpu, telemetry);
        Line($"process ({handled:N0} rows, 1 s input buffer, averages out)", processWall, processCpu, telemetry);
        Line("both", writeWall + processWall, writeCpu + processCpu, telemetry);
    }

    private static void Line(string stage, TimeSpan wall, TimeSpan cpu, TimeSpan telemetry)
    {
        var share = cpu / telemetry;
        Console.WriteLine($"| {stage} | {wall.TotalSeconds:N2} s | {cpu.TotalSeconds:N2} s | {share * 1000:N0} ms | {share:P1} (headroom {1 / share:N0}×) |");
    }

    private static void Accumulate(WideTelemetryRow row, double[] sums)
    {
        sums[0] += row.P01; sums[1] += row.P02; sums[2] += row.P03; sums[3] += row.P04; sums[4] += row.P05;
        sums[5] += row.P06; sums[6] += row.P07; sums[7] += row.P08; sums[8] += row.P09; sums[9] += row.P10;
        sums[10] += row.P11; sums[11] += row.P12; sums[12] += row.P13; sums[13] += row.P14; sums[14] += row.P15;
        sums[15] += row.P16; sums[16] += row.P17; sums[17] += row.P18; sums[18] += row.P19; sums[19] += row.P20;
        sums[20] += row.P21; sums[21] += row.P22; sums[22] += row.P23; sums[23] += row.P24; sums[24] += row.P25;
        sums[25] += row.P26; sums[26] += row.P27; sums[27] += row.P28; sums[28] += row.P29; sums[29] += row.P30;
        sums[30] += row.P31; sums[31] += row.P32; sums[32] += row.P33; sums[33] += row.P34; sums[34] += row.P35;
        sums[35] += row.P36; sums[36] += row.P37; sums[37] += row.P38; sums[38] += row.P39; sums[39] += row.P40;
        sums[40] += row.P41; sums[41] += row.P42; sums[42] += row.P43; sums[43] += row.P44; sums[44] += row.P45;
        sums[45] += row.P46; sums[46] += row.P47; sums[47] += row.P48; sums[48] += row.P49; sums[49] += row.P50;
    }

    private static WideTelemetryRow Row(int car, int i)
    {
        var t = i * 0.01;
        return new WideTelemetryRow
        {
            Timestamp = 1_700_000_000_000_000_000 + (i * 10_000_000L),
            CarId = $"car-{car:00}",
            P01 = 250 + (t % 7), P02 = 11_000 + (t % 900), P03 = 0.75, P04 = t % 1, P05 = -0.3, P06 = 101.25, P07 = 92.5, P08 = 22.4, P09 = 22.6, P10 = 22.5,
            P11 = 22.7, P12 = 650 + (t % 30), P13 = 640, P14 = 655, P15 = 660, P16 = 1.2, P17 = 0.8, P18 = 3.1, P19 = 3.3, P20 = 110 - (t * 0.001),
            P21 = 4.1, P22 = 4.2, P23 = 4.0, P24 = 4.3, P25 = 0.01, P26 = 0.02, P27 = 0.03, P28 = 0.04, P29 = 1, P30 = 2,
            P31 = 3, P32 = 4, P33 = 5, P34 = 6, P35 = 7, P36 = 8, P37 = 9, P38 = 10, P39 = 11, P40 = 12,
            P41 = 13, P42 = 14, P43 = 15, P44 = 16, P45 = 17, P46 = 18, P47 = 19, P48 = 20, P49 = 21, P50 = t,
        };
    }
}
