using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Pipelines.Benchmarks.Serialization;

/// <summary>
/// A row of a JSON topic written and read by the generated serializer and by System.Text.Json's source-generated
/// serializer (its fastest: metadata and fast-path writer from the same compile-time generation), over the same
/// class shape and the same bytes, in one run. Each operation is one row.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class JsonBenchmarks
{
    private readonly ArrayBufferWriter<byte> output = new(1 << 12);
    private Utf8JsonWriter writer = null!;
    private JsonTelemetryRow row = null!;
    private StjTelemetryRow stjRow = null!;
    private byte[] bytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var source = TelemetryData.Row(1);
        row = new JsonTelemetryRow { Timestamp = source.Timestamp, CarId = source.CarId, Speed = source.Speed, Throttle = source.Throttle, Brake = source.Brake, Steering = source.Steering, OilTemp = source.OilTemp, FuelFlow = source.FuelFlow, Rpm = source.Rpm, Drs = source.Drs };
        stjRow = new StjTelemetryRow { Timestamp = source.Timestamp, CarId = source.CarId, Speed = source.Speed, Throttle = source.Throttle, Brake = source.Brake, Steering = source.Steering, OilTemp = source.OilTemp, FuelFlow = source.FuelFlow, Rpm = source.Rpm, Drs = source.Drs };
        bytes = MessageSerializer.Serialize(row);
        writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });

        // The same bytes either way, or the comparison would be of two formats.
        var theirs = JsonSerializer.SerializeToUtf8Bytes(stjRow, StjContext.Default.StjTelemetryRow);
        if (!theirs.AsSpan().SequenceEqual(bytes))
        {
            throw new InvalidOperationException($"Different JSON: {System.Text.Encoding.UTF8.GetString(bytes)} / {System.Text.Encoding.UTF8.GetString(theirs)}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => writer.Dispose();

    [BenchmarkCategory("write"), Benchmark(Baseline = true, Description = "System.Text.Json, source-generated")]
    public int WriteStj()
    {
        output.ResetWrittenCount();
        writer.Reset(output);
        JsonSerializer.Serialize(writer, stjRow, StjContext.Default.StjTelemetryRow);
        writer.Flush();
        return output.WrittenCount;
    }

    [BenchmarkCategory("write"), Benchmark(Description = "Pipelines, generated")]
    public int WritePipelines()
    {
        output.ResetWrittenCount();
        MessageSerializer.Serialize(output, row);
        return output.WrittenCount;
    }

    [BenchmarkCategory("read"), Benchmark(Baseline = true, Description = "System.Text.Json, source-generated")]
    public StjTelemetryRow? ReadStj() => JsonSerializer.Deserialize(bytes, StjContext.Default.StjTelemetryRow);

    [BenchmarkCategory("read"), Benchmark(Description = "Pipelines, generated")]
    public JsonTelemetryRow ReadPipelines() => MessageSerializer.Deserialize<JsonTelemetryRow>(bytes);
}

/// <summary>The benchmark row on a JSON topic.</summary>
[Topic("telemetry-json", Format = TopicFormat.Json)]
public partial class JsonTelemetryRow
{
    [Timestamp] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter] public double Throttle { get; set; }
    [Parameter] public double Brake { get; set; }
    [Parameter] public double Steering { get; set; }
    [Parameter] public double OilTemp { get; set; }
    [Parameter] public double FuelFlow { get; set; }
    [Parameter] public int Rpm { get; set; }
    [Parameter] public bool Drs { get; set; }
}

/// <summary>The same row for System.Text.Json.</summary>
public class StjTelemetryRow
{
    public long Timestamp { get; set; }
    public string CarId { get; set; } = "";
    public double Speed { get; set; }
    public double Throttle { get; set; }
    public double Brake { get; set; }
    public double Steering { get; set; }
    public double OilTemp { get; set; }
    public double FuelFlow { get; set; }
    public int Rpm { get; set; }
    public bool Drs { get; set; }
}

[JsonSerializable(typeof(StjTelemetryRow))]
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
public partial class StjContext : JsonSerializerContext;
