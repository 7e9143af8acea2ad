using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>The Avro schema the generator derives for a contract, read back by Apache.Avro.</summary>
public class AvroSchemaTests
{
    public static TheoryData<string> Contracts => new(["AllTypes", "Order", "JsonReading", "PositionalRow", "SensorReading", "InitOnlyRow"]);

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Every_contract_has_a_schema_Apache_Avro_parses_as_a_record_named_after_it(string contract)
    {
        var schema = contract switch
        {
            "AllTypes" => MessageSerializer.SchemaOf<AllTypes>(),
            "Order" => MessageSerializer.SchemaOf<Order>(),
            "JsonReading" => MessageSerializer.SchemaOf<JsonReading>(),
            "PositionalRow" => MessageSerializer.SchemaOf<PositionalRow>(),
            "SensorReading" => MessageSerializer.SchemaOf<SensorReading>(),
            _ => MessageSerializer.SchemaOf<InitOnlyRow>(),
        };

        var avro = Assert.IsType<Avro.RecordSchema>(Avro.Schema.Parse(schema.AvroSchema));

        Assert.Equal("Pipelines.Tests.Contracts." + contract, avro.Fullname);
        Assert.Equal(schema.Fields.Select(f => f.Name), avro.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Members_map_to_Avro_types_unions_with_null_where_a_value_may_be_missing()
    {
        var avro = (Avro.RecordSchema)Avro.Schema.Parse(MessageSerializer.SchemaOf<AllTypes>().AvroSchema);
        Avro.Schema TypeOf(string field) => avro.Fields.Single(f => f.Name == field).Schema;
        void Same(string expected, string field) => Assert.Equal(Avro.Schema.Parse(expected).ToString(), TypeOf(field).ToString());

        Same("""{"type":"long","logicalType":"timestamp-micros"}""", "ts");
        Same("""["null","string"]""", "Tag");
        Same("\"int\"", "TagNumber");
        Same("\"int\"", "Byte");
        Same("\"int\"", "UInt16");
        Same("\"long\"", "UInt32");
        Same("\"long\"", "UInt64");
        Same("\"float\"", "Single");
        Same("\"double\"", "Double");
        Same("\"string\"", "Decimal");
        Same("""{"type":"string","logicalType":"uuid"}""", "Guid");
        Same("""{"type":"enum","name":"Gear","namespace":"Pipelines.Tests.Contracts","symbols":["Neutral","First","Second"]}""", "Gear");
        Same("""["null","bytes"]""", "Bytes");
        Same("\"bytes\"", "Memory");
        Same("""["null","int"]""", "NullableInt");
        Same("""["null",{"type":"array","items":{"type":"array","items":"int"}}]""", "Jagged");

        // A nested contract is defined where it is first used, and named after that.
        var point = Assert.IsType<Avro.RecordSchema>(((Avro.UnionSchema)TypeOf("Point")).Schemas[1]);
        var points = Assert.IsType<Avro.ArraySchema>(((Avro.UnionSchema)TypeOf("Points")).Schemas[1]);
        Assert.Equal("Pipelines.Tests.Contracts.Point", point.Fullname);
        Assert.Equal(["X", "Y"], point.Fields.Select(f => f.Name));
        Assert.Same(point, points.ItemSchema);

        // Every union with null has null as its default, so a field added that way keeps old data readable.
        Assert.All(avro.Fields.Where(f => f.Schema is Avro.UnionSchema), f => Assert.Equal(Newtonsoft.Json.Linq.JTokenType.Null, f.DefaultValue.Type));
    }

    [Fact]
    public void A_long_timestamp_is_nanoseconds_and_a_wire_name_Avro_does_not_allow_leaves_no_schema()
    {
        var order = (Avro.RecordSchema)Avro.Schema.Parse(MessageSerializer.SchemaOf<Order>().AvroSchema);

        Assert.Equal("""{"type":"long","logicalType":"timestamp-nanos"}""", order.Fields.Single(f => f.Name == "at").Schema.ToString());
        Assert.Null(MessageSerializer.SchemaOf<DashedRow>().AvroSchema);
    }
}
