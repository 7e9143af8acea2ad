using System.Text;
using NJsonSchema;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary><c>JsonTimes.UnixMilliseconds</c>: times written as numbers, read in either form, the schema saying so; nested contracts keep their own.</summary>
public sealed class JsonTimesTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1765063815250);

    private static Click Sample() => new()
    {
        At = At,
        Page = "/laps",
        Seen = At.UtcDateTime.AddSeconds(1),
        Replays = [At.UtcDateTime.AddSeconds(2)],
        Session = new Session { Started = At },
    };

    [Fact]
    public void Times_are_written_as_milliseconds_and_a_nested_contract_keeps_ISO_8601()
    {
        var json = Encoding.UTF8.GetString(MessageSerializer.Serialize(Sample()));

        Assert.Equal("""{"at":1765063815250,"page":"/laps","seen":1765063816250,"replays":[1765063817250],"session":{"started":"2025-12-06T23:30:15.25+00:00"}}""", json);
    }

    [Fact]
    public void What_it_writes_reads_back_and_ISO_8601_text_is_read_too()
    {
        var back = MessageSerializer.Deserialize<Click>(MessageSerializer.Serialize(Sample()));
        var iso = MessageSerializer.Deserialize<Click>("""{"at":"2025-12-06T23:30:15.25Z","page":"/laps","seen":"2025-12-06T23:30:16.25Z"}"""u8);

        Assert.Equal((At, At.UtcDateTime.AddSeconds(1), At.UtcDateTime.AddSeconds(2), At), (back.At, back.Seen, back.Replays[0], back.Session!.Started));
        Assert.Equal((At, At.UtcDateTime.AddSeconds(1)), (iso.At, iso.Seen));
    }

    [Fact]
    public void MessagePack_and_Avro_forms_do_not_change()
    {
        var row = Sample();
        var copy = MessageSerializer.FromMessagePack<Click>(MessageSerializer.ToMessagePack(row));

        Assert.Equal((row.At, row.Seen), (copy.At, copy.Seen));
        Assert.Contains("\"timestamp-micros\"", MessageSerializer.SchemaOf<Click>().AvroSchema, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_JSON_Schema_says_integer_for_its_times_and_date_time_for_the_nested_contracts()
    {
        var schema = await JsonSchema.FromJsonAsync(MessageSerializer.SchemaOf<Click>().JsonSchema!);

        Assert.Empty(schema.Validate(Encoding.UTF8.GetString(MessageSerializer.Serialize(Sample()))));
        Assert.NotEmpty(schema.Validate("""{"at":"2025-12-06T23:30:15.25Z"}"""));
        Assert.NotEmpty(schema.Validate("""{"session":{"started":1765063815250}}"""));
    }
}
