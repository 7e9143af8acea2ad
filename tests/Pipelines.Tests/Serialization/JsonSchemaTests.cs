using System.Text;
using NJsonSchema;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>The JSON Schema the generator derives for a contract, checked by NJsonSchema against what the JSON codecs write.</summary>
public class JsonSchemaTests
{
    [Theory]
    [MemberData(nameof(AllTypesSamples.Names), MemberType = typeof(AllTypesSamples))]
    public async Task What_the_JSON_codecs_write_is_valid_against_the_derived_schema(string sample)
    {
        var schema = await JsonSchema.FromJsonAsync(MessageSerializer.SchemaOf<AllTypes>().JsonSchema!);
        var row = AllTypesSamples.ByName(sample);

        // NJsonSchema's validator fails on an integer past 64 bits (it reads it as a BigInteger): the largest ulong and
        // decimal are kept within them; what the schema says of those types is checked as well by smaller values.
        row.UInt64 = Math.Min(row.UInt64, long.MaxValue);
        row.Decimal = Math.Clamp(row.Decimal, long.MinValue, long.MaxValue);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(output))
        {
            MessageSerializer.For<AllTypes>().WriteJson(writer, row);
        }

        var errors = schema.Validate(Encoding.UTF8.GetString(output.WrittenSpan));

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public async Task The_schema_refuses_what_the_reader_would_refuse_and_allows_what_others_add()
    {
        var schema = await JsonSchema.FromJsonAsync(MessageSerializer.SchemaOf<Order>().JsonSchema!);

        Assert.Empty(schema.Validate(Encoding.UTF8.GetString(MessageSerializer.Serialize(new Order { Customer = "ada", Address = new Address { City = "Bern" } }))));
        Assert.Empty(schema.Validate("""{"customer":"ada","crew":{"size":4}}""")); // unknown properties, missing ones
        Assert.NotEmpty(schema.Validate("""{"count":"seven"}"""));
        Assert.NotEmpty(schema.Validate("""{"count":4294967296}"""));
        Assert.NotEmpty(schema.Validate("""{"address":{"zip":"north"}}"""));
        Assert.NotEmpty(schema.Validate("""{"channel":"Phone"}"""));
        Assert.Equal("Pipelines.Tests.Contracts.Order", schema.Title);
    }
}
