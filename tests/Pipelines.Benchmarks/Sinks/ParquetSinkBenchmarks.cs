using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Parquet;
using Parquet.Schema;
using Pipelines.Sinks;

namespace Pipelines.Benchmarks.Sinks;

/// <summary>
/// The Parquet sink's write path against writing the same rows with Parquet.Net directly: 100,000 insight rows in
/// batches of 5,000, a file per batch, each written under a temporary name, flushed to disk and renamed on both sides;
/// the hand-written side fills a typed array per column itself. Each operation is one row.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class ParquetSinkBenchmarks
{
    private const int Rows = 100_000;
    private const int BatchRows = 5_000;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "pipelines-parquet-benchmark");
    private InsightRow[] rows = null!;
    private ParquetSink<InsightRow> sink = null!;
    private long position;

    [GlobalSetup]
    public void Setup()
    {
        rows = Enumerable.Range(0, Rows).Select(InsightRow.Sample).ToArray();
    }

    [IterationSetup]
    public void Empty()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        sink = new ParquetSink<InsightRow>(new ParquetSinkOptions { Directory = Path.Combine(directory, "sink") });
        Directory.CreateDirectory(Path.Combine(directory, "hand"));
        position = 0;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(directory, recursive: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Parquet.Net, by hand")]
    public void HandWritten()
    {
        var fields = new DataField[]
        {
            new DataField<DateTime?>("Time"), new DataField<string>("CarId", true), new DataField<string>("Driver", true),
            new DataField<double?>("AverageSpeed"), new DataField<double?>("PeakBrakeTemp"), new DataField<long?>("Samples"),
            new DataField<string>("Alert", true), new DataField<long?>("LapCompleted"), new DataField<long?>("Wing"),
        };
        var schema = new ParquetSchema(fields);
        for (var from = 0; from < Rows; from += BatchRows)
        {
            var batch = rows.AsSpan(from, BatchRows).ToArray();
            var path = Path.Combine(directory, "hand", $"insights-{from}.parquet");
            using (var file = new FileStream(path + ".unfinished", FileMode.CreateNew))
            {
                Write(file, schema, fields, batch).GetAwaiter().GetResult();
                file.Flush(flushToDisk: true);
            }

            File.Move(path + ".unfinished", path);
        }
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "Pipelines ParquetSink")]
    public void Sink()
    {
        for (var from = 0; from < Rows; from += BatchRows)
        {
            var batch = new SinkBatch<InsightRow>(new ArraySegment<InsightRow>(rows, from, BatchRows), [new SinkPosition("car-insights", 0, from == 0 ? null : position, from + BatchRows)], "benchmark");
            sink.WriteAsync(batch, default).GetAwaiter().GetResult();
            position = from + BatchRows;
        }
    }

    private static async Task Write(Stream file, ParquetSchema schema, DataField[] fields, InsightRow[] batch)
    {
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        writer.CustomMetadata = new Dictionary<string, string> { ["pipelines.positions"] = "0:0" };
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<DateTime>(fields[0], batch.Select(r => (DateTime?)r.Time.UtcDateTime).ToArray().AsMemory());
        await group.WriteAsync(fields[1], batch.Select(r => r.CarId).ToArray());
        await group.WriteAsync(fields[2], batch.Select(r => r.Driver).ToArray()!);
        await group.WriteAsync<double>(fields[3], batch.Select(r => (double?)r.AverageSpeed).ToArray().AsMemory());
        await group.WriteAsync<double>(fields[4], batch.Select(r => (double?)r.PeakBrakeTemp).ToArray().AsMemory());
        await group.WriteAsync<long>(fields[5], batch.Select(r => (long?)r.Samples).ToArray().AsMemory());
        await group.WriteAsync(fields[6], batch.Select(r => r.Alert).ToArray()!);
        await group.WriteAsync<long>(fields[7], batch.Select(r => (long?)r.LapCompleted).ToArray().AsMemory());
        await group.WriteAsync<long>(fields[8], batch.Select(r => (long?)r.Wing).ToArray().AsMemory());
    }
}
