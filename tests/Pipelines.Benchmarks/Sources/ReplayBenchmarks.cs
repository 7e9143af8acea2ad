using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Parquet;
using Parquet.Schema;
using Pipelines.Benchmarks.Sinks;
using Pipelines.Sinks;
using Pipelines.Sources;

namespace Pipelines.Benchmarks.Sources;

/// <summary>
/// The replay's read path (as fast as possible: what bounds a replay before the topic does) against reading the same
/// Parquet files into rows with Parquet.Net by hand: 100,000 insight rows in 20 files a Parquet sink wrote. The
/// hand-written side reads each column into a typed array and builds the rows itself. Each operation is one row.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class ReplayBenchmarks
{
    private const int Rows = 100_000;
    private const int BatchRows = 5_000;
    private readonly string directory = Path.Combine(Path.GetTempPath(), "pipelines-replay-benchmark");
    private long checksum;

    [GlobalSetup]
    public void Setup()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var rows = Enumerable.Range(0, Rows).Select(InsightRow.Sample).ToArray();
        var sink = new ParquetSink<InsightRow>(new ParquetSinkOptions { Directory = directory });
        for (var from = 0; from < Rows; from += BatchRows)
        {
            sink.WriteAsync(new SinkBatch<InsightRow>(new ArraySegment<InsightRow>(rows, from, BatchRows), [new SinkPosition("car-insights", 0, from == 0 ? null : from, from + BatchRows)], "benchmark"), default).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(directory, recursive: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Parquet.Net, by hand")]
    public long HandRead() => HandReadAsync().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Rows, Description = "Pipelines ReplaySource")]
    public long Replay() => ReplayAsync().GetAwaiter().GetResult();

    private async Task<long> ReplayAsync()
    {
        checksum = 0;
        await foreach (var row in new ReplaySource<InsightRow>(directory).ReadAsync())
        {
            checksum += row.Samples + (row.Wing ?? 0);
        }

        return checksum;
    }

    private async Task<long> HandReadAsync()
    {
        checksum = 0;
        foreach (var path in Directory.GetFiles(directory, "*.parquet").Order(StringComparer.Ordinal))
        {
            await using var stream = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(stream);
            var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var count = (int)group.RowCount;
                var time = new DateTime?[count];
                var car = new string?[count];
                var driver = new string?[count];
                var speed = new double?[count];
                var brake = new double?[count];
                var samples = new long?[count];
                var alert = new string?[count];
                var lap = new long?[count];
                var wing = new long?[count];
                await group.ReadAsync<DateTime>(fields["Time"], time.AsMemory());
                await group.ReadAsync(fields["CarId"], car.AsMemory()!);
                await group.ReadAsync(fields["Driver"], driver.AsMemory()!);
                await group.ReadAsync<double>(fields["AverageSpeed"], speed.AsMemory());
                await group.ReadAsync<double>(fields["PeakBrakeTemp"], brake.AsMemory());
                await group.ReadAsync<long>(fields["Samples"], samples.AsMemory());
                await group.ReadAsync(fields["Alert"], alert.AsMemory()!);
                await group.ReadAsync<long>(fields["LapCompleted"], lap.AsMemory());
                await group.ReadAsync<long>(fields["Wing"], wing.AsMemory());
                for (var i = 0; i < count; i++)
                {
                    var row = new InsightRow
                    {
                        Time = new DateTimeOffset(time[i]!.Value, TimeSpan.Zero),
                        CarId = car[i]!,
                        Driver = driver[i],
                        AverageSpeed = speed[i]!.Value,
                        PeakBrakeTemp = brake[i]!.Value,
                        Samples = (int)samples[i]!.Value,
                        Alert = alert[i],
                        LapCompleted = (int?)lap[i],
                        Wing = (int?)wing[i],
                    };
                    checksum += row.Samples + (row.Wing ?? 0);
                }
            }
        }

        return checksum;
    }
}
