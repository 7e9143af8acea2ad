using Pipelines.Sinks;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

public class SchemaTests
{
    [Fact]
    public void The_schema_describes_topic_fields_kinds_and_wire_types_in_declaration_order()
    {
        var schema = MessageSerializer.SchemaOf<CarTelemetry>();

        Assert.Equal("car-telemetry", schema.Topic);
        Assert.Equal(typeof(CarTelemetry).FullName, schema.Name);
        Assert.Equal(
            [
                new FieldSchema("TimestampNs", "TimestampNs", FieldKind.Timestamp, typeof(long), "int64") { Column = ColumnType.Time },
                new FieldSchema("CarId", "CarId", FieldKind.Tag, typeof(string), "string") { Column = ColumnType.Text },
                new FieldSchema("Speed", "Speed", FieldKind.Parameter, typeof(double), "float64") { Column = ColumnType.Real },
                new FieldSchema("rpm", "EngineRpm", FieldKind.Parameter, typeof(int), "int32") { Column = ColumnType.Integer },
                new FieldSchema("BrakeTemp", "BrakeTemp", FieldKind.Parameter, typeof(double?), "float64?") { Column = ColumnType.Real, IsNullable = true },
                new FieldSchema("Frame", "Frame", FieldKind.Parameter, typeof(ReadOnlyMemory<byte>), "binary") { Column = ColumnType.Bytes },
            ],
            schema.Fields);
        Assert.Equal("TimestampNs", schema.Timestamp?.Name);
        Assert.Equal(["CarId"], schema.Tags.Select(t => t.Name));
        Assert.Equal("rpm", schema.Find("rpm")?.Name);
        Assert.Null(schema.Find("EngineRpm"));
    }

    [Fact]
    public void Composite_wire_types_spell_out_their_elements()
    {
        var schema = MessageSerializer.SchemaOf<AllTypes>();

        Assert.Equal("array<float64>", schema.Find("Doubles")!.WireType);
        Assert.Equal("array<array<int32>>", schema.Find("Jagged")!.WireType);
        Assert.Equal("uuid?", schema.Find("NullableGuid")!.WireType);
        Assert.Equal("uint8", schema.Find("Gear")!.WireType);
        Assert.Equal($"map<{MessageSerializer.SchemaOf<Point>().Fingerprint}>", schema.Find("Point")!.WireType);
        Assert.Null(MessageSerializer.SchemaOf<Point>().Topic);
    }

    [Fact]
    public void The_fingerprint_is_stable_across_processes_and_releases()
    {
        // Pinned: a change here means every deployed consumer sees a new schema. Change it only deliberately.
        Assert.Equal("b74fedb7733d1401", MessageSerializer.SchemaOf<CarTelemetry>().Fingerprint);
    }

    [Fact]
    public void The_fingerprint_ignores_member_order_and_names_but_not_wire_names_kinds_or_types()
    {
        FieldSchema F(string name, FieldKind kind, string wireType) => new(name, "M" + name, kind, typeof(object), wireType);
        var baseline = MessageSchema.ComputeFingerprint([F("a", FieldKind.Tag, "string"), F("b", FieldKind.Parameter, "float64")]);

        Assert.Equal(baseline, MessageSchema.ComputeFingerprint([F("b", FieldKind.Parameter, "float64"), F("a", FieldKind.Tag, "string")]));
        Assert.NotEqual(baseline, MessageSchema.ComputeFingerprint([F("a", FieldKind.Tag, "string"), F("b", FieldKind.Parameter, "float32")]));
        Assert.NotEqual(baseline, MessageSchema.ComputeFingerprint([F("a", FieldKind.Parameter, "string"), F("b", FieldKind.Parameter, "float64")]));
        Assert.NotEqual(baseline, MessageSchema.ComputeFingerprint([F("a", FieldKind.Tag, "string"), F("c", FieldKind.Parameter, "float64")]));
        Assert.Matches("^[0-9a-f]{16}$", baseline);
    }

    [Fact]
    public void Compatible_versions_differ_in_fingerprint_so_consumers_can_tell_them_apart()
    {
        Assert.NotEqual(MessageSerializer.SchemaOf<ReadingV1>().Fingerprint, MessageSerializer.SchemaOf<ReadingV2>().Fingerprint);
    }
}
