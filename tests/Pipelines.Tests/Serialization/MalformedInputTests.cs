using MessagePack;
using Pipelines.Tests.Contracts;
using static Pipelines.Tests.Serialization.PackedRowsTests;

namespace Pipelines.Tests.Serialization;

/// <summary>Bad input raises <see cref="MessageFormatException"/> and nothing else: no crash, hang or silent default.</summary>
public class MalformedInputTests
{
    [Fact]
    public void Truncation_at_every_byte_offset_of_a_row_is_reported()
    {
        var bytes = MessageSerializer.Serialize(AllTypesSamples.Typical());

        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsMemory(0, length);
            var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<AllTypes>(truncated));
            Assert.Equal(typeof(AllTypes).FullName, error.Contract);
            Assert.InRange(error.Position, 0, length);
        }
    }

    [Fact]
    public void Truncation_at_every_byte_offset_of_a_batch_is_reported()
    {
        var bytes = MessageSerializer.SerializePacked<PositionalRow>(new[]
        {
            new PositionalRow(DateTime.UnixEpoch, "a", 1) { Note = "n" },
            new PositionalRow(DateTime.UnixEpoch.AddDays(1), "b", 2),
        });

        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsMemory(0, length);
            Assert.Throws<MessageFormatException>(() => MessageSerializer.DeserializePacked(truncated, new List<PositionalRow>()));
        }
    }

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_a_format_error()
    {
        var random = new Random(20261123);
        var valid = MessageSerializer.Serialize(AllTypesSamples.Typical());
        for (var i = 0; i < 20_000; i++)
        {
            // Half pure noise, half a valid message with a few bytes flipped (which reaches deeper code paths).
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 64)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            ReadOrFormatError(() => MessageSerializer.Deserialize<AllTypes>(input));
            ReadOrFormatError(() => MessageSerializer.DeserializePacked(input, new List<SensorReading>()));
        }
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_field_and_the_expected_type()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("Sensor");
            w.Write("s");
            w.Write("Quality");
            w.Write("high");
        });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<SensorReading>(bytes));

        Assert.Equal("Quality", error.Field);
        Assert.Contains("'Quality' (int32)", error.Message);
        Assert.IsType<Pipelines.Infrastructure.WireTypeMismatchException>(error.InnerException);
    }

    [Fact]
    public void A_number_too_large_for_the_member_is_an_error_not_a_wrap_around()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("Quality");
            w.Write(long.MaxValue);
        });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<SensorReading>(bytes));

        Assert.Equal("Quality", error.Field);
    }

    [Fact]
    public void A_failure_inside_a_nested_contract_names_the_outer_message_and_the_path()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("Points");
            w.WriteArrayHeader(1);
            w.WriteMapHeader(1);
            w.Write("X");
            w.Write("not a number");
        });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<AllTypes>(bytes));

        Assert.Equal(typeof(AllTypes).FullName, error.Contract);
        Assert.Equal("Points.X", error.Field);
        Assert.Contains("in field 'Points.X'", error.Message);
    }

    [Fact]
    public void A_message_that_is_not_a_map_is_reported_as_a_structural_error()
    {
        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<SensorReading>(new byte[] { 0x93, 1, 2, 3 }));

        Assert.Null(error.Field);
        Assert.Contains("SensorReading", error.Message);
    }

    [Fact]
    public void Trailing_bytes_after_a_complete_message_are_reported()
    {
        var bytes = MessageSerializer.Serialize(PackedRowsTests.Reading(1)).Append((byte)0xc0).ToArray();

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<SensorReading>(bytes));

        Assert.Contains("1 unexpected bytes", error.Message);
    }

    [Fact]
    public void Hostile_nesting_a_million_levels_deep_is_skipped_without_overflowing_the_stack()
    {
        const int depth = 1_000_000;
        var bytes = new byte[2 + 6 + depth + 1];
        bytes[0] = 0x81;                                    // map of one entry
        bytes[1] = 0xa6;                                    // key: fixstr of 6
        "Ignore"u8.CopyTo(bytes.AsSpan(2));
        bytes.AsSpan(8, depth).Fill(0x91);                  // [[[[...
        bytes[^1] = 0xc0;                                   // ...nil]]]]

        var read = MessageSerializer.Deserialize<SensorReading>(bytes);

        Assert.Equal(default, read);
    }

    [Fact]
    public void A_guid_or_decimal_that_does_not_parse_is_reported()
    {
        var guid = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("Guid");
            w.Write("not-a-guid");
        });
        var number = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("Decimal");
            w.Write("12.3.4");
        });

        Assert.Equal("Guid", Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<AllTypes>(guid)).Field);
        Assert.Equal("Decimal", Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize<AllTypes>(number)).Field);
    }

    [Fact]
    public void A_column_whose_length_differs_from_the_row_count_is_reported()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("rows");
            w.Write(2);
            w.Write("columns");
            w.WriteMapHeader(1);
            w.Write("Value");
            w.WriteArrayHeader(3);
            w.Write(1.0);
            w.Write(2.0);
            w.Write(3.0);
        });

        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.DeserializePacked(bytes, new List<SensorReading>()));

        Assert.Equal("Value", error.Field);
        Assert.Contains("one value per row", error.Message);
    }

    [Fact]
    public void A_row_count_larger_than_the_message_could_hold_is_refused_before_allocating()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("rows");
            w.Write(int.MaxValue);
        });

        var rows = new List<SensorReading>();
        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.DeserializePacked(bytes, rows));

        Assert.Contains("cannot hold", error.Message);
        Assert.Empty(rows);
    }

    private static void ReadOrFormatError(Action read)
    {
        try
        {
            read();
        }
        catch (MessageFormatException)
        {
        }
    }
}
