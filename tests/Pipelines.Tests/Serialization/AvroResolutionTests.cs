using Pipelines.Infrastructure;

namespace Pipelines.Tests.Serialization;

/// <summary>
/// The specification's resolution rules, field by field. Where Apache.Avro's <c>CanRead</c> differs (it takes a writer's
/// union whose null branch the reader cannot read, and an enum symbol the reader lacks, and refuses string to bytes)
/// these follow the specification, as Confluent's own compatibility checker does.
/// </summary>
public sealed class AvroResolutionTests
{
    private static string Record(string fields, string name = "Lap") => $$"""{"type":"record","name":"{{name}}","fields":[{{fields}}]}""";

    public static TheoryData<string, string, string?> Cases => new()
    {
        // reader fields, writer fields, the problem expected (null: readable)
        { """{"name":"lap","type":"long"}""", """{"name":"lap","type":"int"}""", null },
        { """{"name":"lap","type":"double"}""", """{"name":"lap","type":"float"}""", null },
        { """{"name":"lap","type":"bytes"}""", """{"name":"lap","type":"string"}""", null },
        { """{"name":"lap","type":"int"}""", """{"name":"lap","type":"long"}""", "field 'lap': the writer's long cannot be read as the reader's int" },
        { """{"name":"lap","type":"int"}""", """{"name":"lap","type":"string"}""", "field 'lap': the writer's string cannot be read as the reader's int" },
        { """{"name":"lap","type":"int"},{"name":"kmh","type":"double","default":0}""", """{"name":"lap","type":"int"}""", null },
        { """{"name":"lap","type":"int"},{"name":"kmh","type":"double"}""", """{"name":"lap","type":"int"}""", "field 'kmh' is not in the writer's schema and has no default in the reader's" },
        { """{"name":"lap","type":"int"}""", """{"name":"lap","type":"int"},{"name":"gone","type":"string"}""", null },
        { """{"name":"laps","type":"int","aliases":["lap"]}""", """{"name":"lap","type":"int"}""", null },
        { """{"name":"driver","type":["null","string"],"default":null}""", """{"name":"driver","type":"string"}""", null },
        { """{"name":"driver","type":"string"}""", """{"name":"driver","type":["null","string"]}""", "field 'driver': the writer's null cannot be read as the reader's string" },
        { """{"name":"gear","type":{"type":"enum","name":"Gear","symbols":["N","D"]}}""", """{"name":"gear","type":{"type":"enum","name":"Gear","symbols":["N","D","R"]}}""", "symbol(s) 'R' of enum 'Gear' are not among the reader's symbols" },
        { """{"name":"gear","type":{"type":"enum","name":"Gear","symbols":["N","D"],"default":"N"}}""", """{"name":"gear","type":{"type":"enum","name":"Gear","symbols":["N","D","R"]}}""", null },
        { """{"name":"times","type":{"type":"array","items":"int"}}""", """{"name":"times","type":{"type":"array","items":"double"}}""", "field 'times[]': the writer's double cannot be read as the reader's int" },
        { """{"name":"tyre","type":{"type":"record","name":"Tyre","fields":[{"name":"wear","type":"float"}]}}""", """{"name":"tyre","type":{"type":"record","name":"Tyre","fields":[{"name":"wear","type":"double"}]}}""", "field 'tyre.wear': the writer's double cannot be read as the reader's float" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Names_the_field_and_the_rule_it_breaks(string reader, string writer, string? expected)
    {
        var readerSchema = Avro.Schema.Parse(Record(reader));
        var writerSchema = Avro.Schema.Parse(Record(writer));

        var problems = AvroResolution.Problems(readerSchema, writerSchema);

        if (expected is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Records_of_another_name_do_not_resolve()
    {
        var problems = AvroResolution.Problems(Avro.Schema.Parse(Record("""{"name":"lap","type":"int"}""")), Avro.Schema.Parse(Record("""{"name":"lap","type":"int"}""", "Stint")));

        Assert.Equal(["the writer's record 'Stint' is not the reader's record 'Lap' (records match by name)"], problems);
    }
}
