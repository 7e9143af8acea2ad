using System.Buffers;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

public class RoundTripTests
{
    [Theory]
    [MemberData(nameof(AllTypesSamples.Names), MemberType = typeof(AllTypesSamples))]
    public void Every_supported_type_survives_a_round_trip(string sample)
    {
        var expected = AllTypesSamples.ByName(sample);

        var bytes = MessageSerializer.Serialize(expected);

        AllTypesSamples.AssertEquivalent(expected, MessageSerializer.Deserialize<AllTypes>(bytes));
    }

    [Theory]
    [MemberData(nameof(AllTypesSamples.Names), MemberType = typeof(AllTypesSamples))]
    public void Span_sequence_and_memory_inputs_read_the_same(string sample)
    {
        var expected = AllTypesSamples.ByName(sample);
        var bytes = MessageSerializer.Serialize(expected);

        AllTypesSamples.AssertEquivalent(expected, MessageSerializer.Deserialize<AllTypes>(bytes.AsSpan()));
        AllTypesSamples.AssertEquivalent(expected, MessageSerializer.Deserialize<AllTypes>(Fragmented(bytes, 7)));
    }

    [Fact]
    public void A_message_split_across_one_byte_segments_reads_correctly()
    {
        // Every key and string straddles a segment boundary: the slow paths for non-contiguous input run.
        var expected = AllTypesSamples.Typical();
        var bytes = MessageSerializer.Serialize(expected);

        AllTypesSamples.AssertEquivalent(expected, MessageSerializer.Deserialize<AllTypes>(Fragmented(bytes, 1)));
    }

    [Fact]
    public void Struct_contract_with_fields_round_trips()
    {
        var expected = new SensorReading { Time = 1_700_000_000_123_456_789, Sensor = "s-1", Value = 21.5, Quality = 3, Valid = true };

        var actual = MessageSerializer.Deserialize<SensorReading>(MessageSerializer.Serialize(expected));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Positional_record_is_rebuilt_through_its_constructor()
    {
        var expected = new PositionalRow(new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(3), "probe", 1.25f) { Note = "init member" };

        var actual = MessageSerializer.Deserialize<PositionalRow>(MessageSerializer.Serialize(expected));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Init_only_and_constructor_bound_members_round_trip()
    {
        var init = new InitOnlyRow { A = 5, B = "five" };
        var constructed = new ConstructedRow(17) { Reading = 0.25 };

        var initBack = MessageSerializer.Deserialize<InitOnlyRow>(MessageSerializer.Serialize(init));
        var constructedBack = MessageSerializer.Deserialize<ConstructedRow>(MessageSerializer.Serialize(constructed));

        Assert.Equal((5, "five"), (initBack.A, initBack.B));
        Assert.Equal((17, 0.25), (constructedBack.Id, constructedBack.Reading));
    }

    [Fact]
    public void Keyword_member_names_and_non_ascii_wire_names_work()
    {
        var expected = new OddNames { @event = 36.6, Plain = 1 };

        var bytes = MessageSerializer.Serialize(expected);

        Assert.Equal(expected, MessageSerializer.Deserialize<OddNames>(bytes));
        Assert.Contains("température", System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Timestamps_travel_as_unix_nanoseconds_whatever_the_member_type()
    {
        var time = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(2)).AddTicks(1);
        var row = new AllTypes { Time = time };

        var read = MessageSerializer.Deserialize<AllTypes>(MessageSerializer.Serialize(row));

        Assert.Equal(time.UtcDateTime, read.Time.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, read.Time.Offset);
        Assert.Equal(UnixNanoseconds.FromDateTimeOffset(time), UnixNanoseconds.FromDateTime(read.Time.UtcDateTime));
    }

    [Fact]
    public void A_timestamp_outside_the_int64_nanosecond_range_is_refused_when_written()
    {
        var row = new AllTypes { Time = DateTimeOffset.MaxValue };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MessageSerializer.Serialize(row));

        Assert.Contains("2262", error.Message);
    }

    [Fact]
    public void Serializing_null_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => MessageSerializer.Serialize<AllTypes>(null!));
    }

    internal static ReadOnlySequence<byte> Fragmented(byte[] bytes, int segmentLength)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
