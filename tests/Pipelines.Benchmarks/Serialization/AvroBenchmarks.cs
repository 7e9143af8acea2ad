using Avro;
using Schema = Avro.Schema;
using Avro.Specific;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Pipelines.Kafka.Embedded;

namespace Pipelines.Benchmarks.Serialization;

/// <summary>
/// A telemetry row as Avro in the Confluent wire format: the generated serializer (<see cref="AvroMessageSerializer{T}"/>)
/// against Confluent's <c>AvroSerializer</c>/<c>AvroDeserializer</c> over a specific record of the same shape and schema,
/// through the embedded Schema Registry (schema ids cached after the first call, as both do). Each reads what it wrote:
/// the same payload, under its own schema's id. Each operation is one row.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AvroBenchmarks
{
    private static readonly SerializationContext Context = new(MessageComponentType.Value, "telemetry-avro");

    private EmbeddedSchemaRegistry registry = null!;
    private CachedSchemaRegistryClient client = null!;
    private AvroMessageSerializer<AvroTelemetryRow> ours = null!;
    private ISerializer<SpecificTelemetryRow> theirWriter = null!;
    private IDeserializer<SpecificTelemetryRow> theirReader = null!;
    private AvroTelemetryRow row = null!;
    private SpecificTelemetryRow specific = null!;
    private byte[] bytes = null!;
    private byte[] theirBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        registry = EmbeddedSchemaRegistry.Start();
        client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        ours = new AvroMessageSerializer<AvroTelemetryRow>(client);
        theirWriter = new AvroSerializer<SpecificTelemetryRow>(client).AsSyncOverAsync();
        theirReader = new AvroDeserializer<SpecificTelemetryRow>(client).AsSyncOverAsync();
        var source = TelemetryData.Row(1);
        row = new AvroTelemetryRow { Timestamp = source.Timestamp, CarId = source.CarId, Speed = source.Speed, Throttle = source.Throttle, Brake = source.Brake, Steering = source.Steering, OilTemp = source.OilTemp, FuelFlow = source.FuelFlow, Rpm = source.Rpm, Drs = source.Drs };
        specific = new SpecificTelemetryRow { Timestamp = row.Timestamp, CarId = row.CarId, Speed = row.Speed, Throttle = row.Throttle, Brake = row.Brake, Steering = row.Steering, OilTemp = row.OilTemp, FuelFlow = row.FuelFlow, Rpm = row.Rpm, Drs = row.Drs };
        // The specific record's schema has its class's name (Apache finds the class by it), so it is another schema under
        // the subject: the subject takes both.
        client.UpdateCompatibilityAsync(Compatibility.None, "telemetry-avro-value").GetAwaiter().GetResult();
        bytes = ours.Serialize(row, Context);

        // The same payload either way (after the magic byte and the schema id), or the comparison would be of two encodings.
        var theirs = theirBytes = theirWriter.Serialize(specific, Context);
        if (!theirs.AsSpan(5).SequenceEqual(bytes.AsSpan(5)))
        {
            throw new InvalidOperationException($"Different Avro: {Convert.ToHexString(bytes)} / {Convert.ToHexString(theirs)}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.Dispose();
        registry.Dispose();
    }

    [BenchmarkCategory("write"), Benchmark(Baseline = true, Description = "Confluent AvroSerializer, specific record")]
    public byte[] WriteConfluent() => theirWriter.Serialize(specific, Context);

    [BenchmarkCategory("write"), Benchmark(Description = "Pipelines AvroMessageSerializer, generated")]
    public byte[] WritePipelines() => ours.Serialize(row, Context);

    [BenchmarkCategory("read"), Benchmark(Baseline = true, Description = "Confluent AvroDeserializer, specific record")]
    public SpecificTelemetryRow ReadConfluent() => theirReader.Deserialize(theirBytes, false, Context);

    [BenchmarkCategory("read"), Benchmark(Description = "Pipelines AvroMessageSerializer, generated")]
    public AvroTelemetryRow ReadPipelines() => ours.Deserialize(bytes, false, Context);
}

/// <summary>The benchmark row, its Avro schema derived by the generator.</summary>
[MessageContract]
public partial class AvroTelemetryRow
{
    [Parameter] public long Timestamp { get; set; }
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

/// <summary>The same row as Apache.Avro's specific record (what avrogen writes): the same fields, under its own name.</summary>
public sealed class SpecificTelemetryRow : ISpecificRecord
{
    public static readonly Schema SchemaOfRow = Schema.Parse(MessageSerializer.SchemaOf<AvroTelemetryRow>().AvroSchema!.Replace("\"AvroTelemetryRow\"", "\"SpecificTelemetryRow\"", StringComparison.Ordinal));

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

    public Schema Schema => SchemaOfRow;

    public object Get(int fieldPos) => fieldPos switch
    {
        0 => Timestamp,
        1 => CarId,
        2 => Speed,
        3 => Throttle,
        4 => Brake,
        5 => Steering,
        6 => OilTemp,
        7 => FuelFlow,
        8 => Rpm,
        9 => Drs,
        _ => throw new AvroRuntimeException("Bad index " + fieldPos),
    };

    public void Put(int fieldPos, object fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Timestamp = (long)fieldValue; break;
            case 1: CarId = (string)fieldValue; break;
            case 2: Speed = (double)fieldValue; break;
            case 3: Throttle = (double)fieldValue; break;
            case 4: Brake = (double)fieldValue; break;
            case 5: Steering = (double)fieldValue; break;
            case 6: OilTemp = (double)fieldValue; break;
            case 7: FuelFlow = (double)fieldValue; break;
            case 8: Rpm = (int)fieldValue; break;
            case 9: Drs = (bool)fieldValue; break;
            default: throw new AvroRuntimeException("Bad index " + fieldPos);
        }
    }
}
