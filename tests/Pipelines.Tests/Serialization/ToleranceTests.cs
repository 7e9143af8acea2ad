using MessagePack;
using Pipelines.Tests.Contracts;
using static Pipelines.Tests.Serialization.PackedRowsTests;

namespace Pipelines.Tests.Serialization;

/// <summary>Readers and writers of different versions of a contract, as in a rolling deployment.</summary>
public class ToleranceTests
{
    [Fact]
    public void An_old_reader_skips_parameters_added_later_including_nested_ones()
    {
        var v2 = new ReadingV2 { Sensor = "t1", Value = 20.5, Minimum = 19, Unit = "kelvin", Samples = [new Point { X = 1, Y = 2 }] };

        var v1 = MessageSerializer.Deserialize<ReadingV1>(MessageSerializer.Serialize(v2));

        Assert.Equal(("t1", 20.5), (v1.Sensor, v1.Value));
    }

    [Fact]
    public void A_new_reader_gives_missing_parameters_their_declared_defaults()
    {
        var v1 = new ReadingV1 { Sensor = "t1", Value = 20.5 };

        var v2 = MessageSerializer.Deserialize<ReadingV2>(MessageSerializer.Serialize(v1));

        Assert.Equal(("t1", 20.5), (v2.Sensor, v2.Value));
        Assert.Null(v2.Minimum);
        Assert.Equal("celsius", v2.Unit);
        Assert.Null(v2.Samples);
    }

    [Fact]
    public void Old_and_new_batches_are_read_by_either_version()
    {
        var v2Rows = new[] { new ReadingV2 { Sensor = "a", Value = 1, Minimum = 0 }, new ReadingV2 { Sensor = "b", Value = 2 } };
        var v1Rows = new List<ReadingV1>();
        MessageSerializer.DeserializePacked(MessageSerializer.SerializePacked<ReadingV2>(v2Rows), v1Rows);

        var back = new List<ReadingV2>();
        MessageSerializer.DeserializePacked(MessageSerializer.SerializePacked<ReadingV1>(v1Rows.ToArray()), back);

        Assert.Equal([("a", 1.0), ("b", 2.0)], v1Rows.Select(r => (r.Sensor, r.Value)));
        Assert.Equal([("a", 1.0, "celsius"), ("b", 2.0, "celsius")], back.Select(r => (r.Sensor, r.Value, r.Unit)));
    }

    [Fact]
    public void A_name_reused_with_another_type_fails_loudly_naming_the_field()
    {
        var bytes = MessageSerializer.Serialize(new ReadingV1 { Sensor = "t1", Value = 20.5 });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<ReadingV3>(bytes));

        Assert.Equal("Value", error.Field);
        Assert.Equal(typeof(ReadingV3).FullName, error.Contract);
        Assert.Contains("'Value' (string)", error.Message);
        Assert.Contains(MessageSerializer.SchemaOf<ReadingV3>().Fingerprint, error.Message);
    }

    [Fact]
    public void Unknown_keys_of_any_shape_and_non_string_keys_are_skipped()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(5);
            w.Write(42);                          // an integer key
            w.Write("ignored");
            w.Write("Extra");
            w.WriteMapHeader(1);
            w.Write("deep");
            w.WriteArrayHeader(2);
            w.WriteNil();
            w.Write(new byte[] { 1, 2 });
            w.Write("Value");
            w.Write(7);                           // an integer where a double is declared: widened
            w.Write("Sensor");
            w.Write("x");
            w.Write("When");
            w.Write(DateTime.UtcNow);
        });

        var read = MessageSerializer.Deserialize<ReadingV1>(bytes);

        Assert.Equal(("x", 7.0), (read.Sensor, read.Value));
    }

    [Theory]
    [InlineData("Int64", "int64", "9,223,372,036,854,775,807")]
    [InlineData("Int32", "int32", "2,147,483,647")]
    [InlineData("UInt32", "uint32", "4,294,967,295")]
    public void An_integer_too_large_for_its_field_is_an_error_naming_the_field_and_its_range(string field, string wireType, string highest)
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write(field);
            w.Write(1UL << 63);
        });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<AllTypes>(bytes));

        Assert.Equal(field, error.Field);
        Assert.Contains($"does not fit the field's type, {wireType}", error.Message);
        Assert.Contains(highest, error.Message);
        Assert.DoesNotContain("Arithmetic operation", error.Message);
    }

    [Fact]
    public void A_float64_too_large_for_a_float_field_is_an_error_not_infinity()
    {
        var tooLarge = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("Single");
            w.Write(1e300);
        });
        var infinite = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("Single");
            w.Write(double.PositiveInfinity);
        });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<AllTypes>(tooLarge));

        Assert.Equal("Single", error.Field);
        Assert.Contains("float32 (±3.4028235E+38)", error.Message);
        Assert.Equal(float.PositiveInfinity, MessageSerializer.Deserialize<AllTypes>(infinite).Single); // infinity itself fits
    }

    [Fact]
    public void Duplicate_keys_take_the_last_value()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("Value");
            w.Write(1.0);
            w.Write("Value");
            w.Write(2.0);
        });

        Assert.Equal(2.0, MessageSerializer.Deserialize<ReadingV1>(bytes).Value);
    }

    [Fact]
    public void Nil_for_a_non_nullable_value_is_an_error_not_a_silent_default()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("Value");
            w.WriteNil();
        });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<ReadingV1>(bytes));

        Assert.Equal("Value", error.Field);
    }
}
