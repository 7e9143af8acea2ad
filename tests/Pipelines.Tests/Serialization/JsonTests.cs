using System.Buffers;
using System.Text;
using System.Text.Json;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>The JSON format: every codec through generated code, the mapping as docs/wire-format.md gives it, and input as others write it.</summary>
public class JsonTests
{
    private static readonly DateTime Placed = new(2026, 12, 6, 23, 30, 15, 250, DateTimeKind.Utc);

    [Theory]
    [MemberData(nameof(AllTypesSamples.Names), MemberType = typeof(AllTypesSamples))]
    public void Every_supported_type_survives_a_round_trip_through_JSON(string sample)
    {
        var expected = AllTypesSamples.ByName(sample);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            MessageSerializer.For<AllTypes>().WriteJson(writer, expected);
        }

        var reader = new Utf8JsonReader(output.WrittenSpan);
        reader.Read();

        AllTypesSamples.AssertEquivalent(expected, MessageSerializer.For<AllTypes>().ReadJson(ref reader));
    }

    [Fact]
    public void A_row_is_one_object_of_wire_names_with_times_as_ISO_8601_and_names_for_enum_values()
    {
        var order = new Order { At = 1_765_063_815_250_000_000, Customer = "ada", Total = 12.5, Count = 2, Channel = Channel.Store, Placed = Placed, Note = null, Address = new Address { City = "Zürich", Zip = 8001 } };

        var json = Encoding.UTF8.GetString(MessageSerializer.Serialize(order));

        Assert.Equal("""{"at":1765063815250000000,"customer":"ada","total":12.5,"count":2,"channel":"Store","placed":"2026-12-06T23:30:15.25Z","note":null,"address":{"city":"Zürich","zip":8001}}""", json);
        Assert.StartsWith("application/json; schema=\"Pipelines.Tests.Contracts.Order\"", MessageSerializer.SchemaOf<Order>().ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public void Floats_JSON_numbers_cannot_hold_are_written_as_strings_and_read_back()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            Pipelines.Infrastructure.DoubleCodec.WriteJson(writer, double.NaN);
            Pipelines.Infrastructure.DoubleCodec.WriteJson(writer, double.NegativeInfinity);
            Pipelines.Infrastructure.SingleCodec.WriteJson(writer, float.PositiveInfinity);
            writer.WriteEndArray();
        }

        Assert.Equal("""["NaN","-Infinity","Infinity"]""", Encoding.UTF8.GetString(output.WrittenSpan));
        var reader = new Utf8JsonReader(output.WrittenSpan);
        reader.Read();
        reader.Read();
        Assert.True(double.IsNaN(Pipelines.Infrastructure.DoubleCodec.ReadJson(ref reader)));
        reader.Read();
        Assert.Equal(double.NegativeInfinity, Pipelines.Infrastructure.DoubleCodec.ReadJson(ref reader));
    }

    [Fact]
    public void What_other_writers_send_is_read_unknown_properties_skipped_missing_ones_left_at_their_default()
    {
        // As Python's json.dumps writes it: spaces, another order, a property this contract does not know (nested
        // too), an escaped name, a 64-bit number as a string, the time as text, the enum's number, the date as
        // Unix milliseconds.
        var json = """
            {"customer": "b\u00f6b", "extra": {"deep": [1, 2, {"x": null}]}, "tot\u0061l": 3, "count": "7",
             "at": "2026-12-06T23:30:15.25+00:00", "channel": 1, "placed": 1796599815250}
            """;

        var order = MessageSerializer.Deserialize<Order>(Encoding.UTF8.GetBytes(json));

        Assert.Equal(("böb", 3.0, 7, Channel.Store, null), (order.Customer, order.Total, order.Count, order.Channel, order.Note));
        Assert.Equal(1_796_599_815_250_000_000, order.At);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_796_599_815_250).UtcDateTime, order.Placed);
        Assert.Null(order.Address);
        Assert.Equal(Channel.Web, MessageSerializer.Deserialize<Order>("""{"channel":"web"}"""u8).Channel); // names in any case
    }

    [Theory]
    [InlineData("""{"count":"seven"}""", "count", "the string does not hold an integer")]
    [InlineData("""{"count":1e40}""", "count", "does not fit the field's type, int32")]
    [InlineData("""{"count":4294967296}""", "count", "does not fit the field's type")]
    [InlineData("""{"total":true}""", "total", "expected a number but found true or false")]
    [InlineData("""{"channel":"Phone"}""", "channel", "'Phone' is not a name of Channel (Web, Store)")]
    [InlineData("""{"address":{"zip":"north"}}""", "address.zip", "the string does not hold an integer")]
    [InlineData("""{"customer":["a"]}""", "customer", "expected a string but found an array")]
    public void A_value_of_the_wrong_kind_names_its_field(string json, string field, string reason)
    {
        var exception = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<Order>(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(field, exception.Field);
        Assert.True(exception.Message.Contains(reason, StringComparison.Ordinal), exception.Message);
    }

    [Theory]
    [InlineData("", "does not contain any JSON tokens")]
    [InlineData("[1]", "expected an object but found an array")]
    [InlineData("""{"count":1""", null)]
    [InlineData("""{"count":1} {}""", "is invalid after a single JSON value")]
    [InlineData("\"text\"", "expected an object but found a string")]
    public void A_message_that_is_not_one_object_is_refused(string json, string? reason)
    {
        var exception = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<Order>(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith("Cannot read a 'Pipelines.Tests.Contracts.Order' message", exception.Message, StringComparison.Ordinal);
        if (reason is not null)
        {
            Assert.True(exception.Message.Contains(reason, StringComparison.Ordinal), exception.Message);
        }
    }

    [Fact]
    public void Several_rows_are_an_array_of_objects_and_one_object_reads_as_one_row()
    {
        var rows = new[] { new JsonReading { Time = 1, Sensor = "a", Value = 0.5 }, new JsonReading { Time = 2, Sensor = "b", Value = -1 } };

        var packed = MessageSerializer.SerializePacked<JsonReading>(rows);
        var read = new List<JsonReading>();
        var count = MessageSerializer.DeserializePacked(packed.AsSpan(), read);
        count += MessageSerializer.DeserializePacked("""{"sensor":"c","value":2,"time":3}"""u8, read);

        Assert.Equal("""[{"time":1,"sensor":"a","value":0.5},{"time":2,"sensor":"b","value":-1}]""", Encoding.UTF8.GetString(packed));
        Assert.Equal(3, count);
        Assert.Equal([(1L, "a", 0.5), (2L, "b", -1.0), (3L, "c", 2.0)], read.Select(r => (r.Time, r.Sensor, r.Value)));
        Assert.Throws<MessageFormatException>(() => MessageSerializer.DeserializePacked("""[{"value":1}, 2]"""u8, read));
    }

    [Fact]
    public void Writing_a_row_into_a_reused_buffer_allocates_nothing_and_reading_one_allocates_no_more_than_its_strings()
    {
        var row = new JsonReading { Time = 1, Sensor = "sensor-7", Value = 21.5 };
        var output = new ArrayBufferWriter<byte>(1024);
        var bytes = MessageSerializer.Serialize(row);

        var written = AllocationTests.Measure(() =>
        {
            output.ResetWrittenCount();
            MessageSerializer.Serialize(output, row);
        });
        var read = AllocationTests.Measure(() => MessageSerializer.Deserialize<JsonReading>(bytes.AsSpan()));

        Assert.Equal(0, written);
        Assert.Equal(0, read); // a struct row, and its tag's text pooled: nothing at all
    }

    [Fact]
    public void A_row_takes_a_timestamp_whatever_its_construction_and_one_read_without_its_own_is_marked()
    {
        var positional = new PositionalRow(Placed, "s-1", 1.5f) { Note = "kept" };

        var stamped = MessageSerializer.For<PositionalRow>().WithTimestamp(positional, 1_000_000_000);
        var order = MessageSerializer.For<Order>().WithTimestamp(new Order { Customer = "ada" }, 42);
        var reading = MessageSerializer.For<JsonReading>().WithTimestamp(new JsonReading { Sensor = "s" }, 7);

        Assert.Equal(positional with { Time = DateTime.UnixEpoch.AddSeconds(1) }, stamped);
        Assert.Equal((42L, "ada"), (order.At, order.Customer));
        Assert.Equal((7L, "s"), (reading.Time, reading.Sensor));

        var rows = new List<JsonReading>();
        var untimed = new List<int>();
        Pipelines.Infrastructure.JsonMessages.ReadRows("""[{"sensor":"a","time":5},{"sensor":"b"},{"sensor":"c","time":0}]"""u8, rows, untimed);
        Assert.Equal([1], untimed); // a time of 0 is a time; only the row without one is the Kafka timestamp's
    }

    [Fact]
    public void State_keeps_MessagePack_whatever_the_topic_format()
    {
        var order = new Order { Customer = "ada", Count = 3 };

        var bytes = MessageSerializer.ToMessagePack(order);

        Assert.NotEqual((byte)'{', bytes[0]);
        Assert.Equal(3, MessageSerializer.FromMessagePack<Order>(bytes).Count);
    }
}
