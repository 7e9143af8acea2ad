using System.Text;
using Confluent.Kafka;
using Pipelines.Processing;
using Pipelines.Testing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class InputDeserializerTests
{
    private const long MaxSplit = 1024 * 1024;

    private static readonly CarTelemetry Car = new() { TimestampNs = 7, CarId = "car-1", Speed = 1.5, EngineRpm = 9000 };

    private static RowRange Read(InputDeserializer<CarTelemetry> reader, byte[]? value, Headers? headers = null) =>
        reader.Deserialize(value, value is null, new SerializationContext(MessageComponentType.Value, "in", headers ?? []));

    private static Headers Typed(string type) => new() { { MessageTypes.Header, Encoding.UTF8.GetBytes(type) } };

    private static Headers Chunk(string id, string index, string count) => new()
    {
        { SplitHeaders.Id, Encoding.UTF8.GetBytes(id) },
        { SplitHeaders.Index, Encoding.UTF8.GetBytes(index) },
        { SplitHeaders.Count, Encoding.UTF8.GetBytes(count) },
    };

    [Fact]
    public void Rows_events_stream_messages_and_chunks_are_each_read_into_what_they_hold()
    {
        var reader = new InputDeserializer<CarTelemetry>(MaxSplit, ContractFormat.OfInputs<CarTelemetry>(null));

        var row = Read(reader, MessageSerializer.Serialize(Car));
        var rows = Read(reader, MessageSerializer.SerializePacked<CarTelemetry>([Car, Car]), Typed(MessageTypes.Rows));
        var explicitRow = Read(reader, MessageSerializer.Serialize(Car), Typed(MessageTypes.Row));
        var streamEvent = Read(reader, StreamCodec.Write(new StreamEvent { Id = "pit", Timestamp = 5 }), Typed(MessageTypes.Event));
        var properties = Read(reader, StreamCodec.Write(new StreamProperties { Name = "run" }), Typed(MessageTypes.StreamProperties));
        var end = Read(reader, StreamCodec.Write(StreamEnd.Aborted), Typed(MessageTypes.StreamEnd));
        var chunk = Read(reader, [1, 2, 3], Chunk("abc", "1", "3"));

        Assert.Equal((0, 1, MessageType.Row), (row.Start, row.Count, row.Type));
        Assert.Equal((1, 2, MessageType.Rows), (rows.Start, rows.Count, rows.Type));
        Assert.Equal((3, 1, MessageType.Row), (explicitRow.Start, explicitRow.Count, explicitRow.Type));
        Assert.Equal(4, reader.Rows.Count);
        Assert.Equal("pit", Assert.IsType<StreamEvent>(reader.Decoded(3)).Id);
        Assert.Equal("run", Assert.IsType<StreamProperties>(reader.Decoded(4)).Name);
        Assert.Equal(StreamEnd.Aborted, Assert.IsType<StreamEnd>(reader.Decoded(5)));
        Assert.Equal(new SplitPart("abc", 1, 3), reader.Decoded(6));
        Assert.True(streamEvent.IsStreamMessage && properties.IsStreamMessage && end.IsStreamMessage && chunk.IsChunk);
        Assert.Equal([1, 2, 3], reader.Value(6));
    }

    public static TheoryData<string, byte[]?, Headers, string> Malformed => new()
    {
        { "unknown type", MessageSerializer.Serialize(Car), Typed("foo"), "pipelines.type has the value 'foo'" },
        { "type without a value", MessageSerializer.Serialize(Car), new Headers { { MessageTypes.Header, null } }, "pipelines.type has no value" },
        { "type not UTF-8", MessageSerializer.Serialize(Car), new Headers { { MessageTypes.Header, [0xff, 0xfe] } }, "hex FFFE" },
        { "one row under the batch header", MessageSerializer.Serialize(Car), Typed(MessageTypes.Rows), "not a batch" },
        { "empty packed rows", MessageSerializer.SerializePacked<CarTelemetry>([]), Typed(MessageTypes.Rows), "holds no rows" },
        { "a tombstone", null, [], "tombstone" },
        { "properties as one byte", "L"u8.ToArray(), Typed(MessageTypes.StreamProperties), "stream-properties message cannot be read" },
        { "properties as an array", [0x91, 0x01], Typed(MessageTypes.StreamProperties), "stream-properties message cannot be read" },
        { "properties with a numeric name", [0x81, 0xa4, .. "name"u8, 0x05], Typed(MessageTypes.StreamProperties), "stream-properties message cannot be read" },
        { "metadata that is a string", [0x81, 0xa8, .. "metadata"u8, 0xa1, (byte)'x'], Typed(MessageTypes.StreamProperties), "stream-properties message cannot be read" },
        { "an event of 0xc1", [0xc1], Typed(MessageTypes.Event), "event cannot be read" },
        { "an event without an id", [0x80], Typed(MessageTypes.Event), "has no \"id\"" },
        { "an event with trailing bytes", [.. StreamCodec.Write(new StreamEvent { Id = "x" }), 0x00], Typed(MessageTypes.Event), "bytes after its end" },
        { "an end of 0xc1", [0xc1], Typed(MessageTypes.StreamEnd), "stream-end message cannot be read" },
        { "an end that is truncated", [0x81, 0xa3], Typed(MessageTypes.StreamEnd), "ends too early" },
        { "a chunk count of int.MaxValue", [1], Chunk("id", "0", "2147483647"), "pipelines.split.count is 2147483647" },
        { "a chunk count above the join cap", [1], Chunk("id", "0", (MaxSplit + 1).ToString()), "MaxSplitMessageBytes" },
        { "a chunk count of zero", [1], Chunk("id", "0", "0"), "pipelines.split.count is 0" },
        { "a negative chunk index", [1], Chunk("id", "-1", "2"), "pipelines.split.index is -1" },
        { "a chunk index past the count", [1], Chunk("id", "2", "2"), "pipelines.split.index is 2" },
        { "a chunk count that is not a number", [1], Chunk("id", "0", "two"), "pipelines.split.count must be" },
        { "a chunk count over int range", [1], Chunk("id", "0", "99999999999"), "pipelines.split.count must be" },
        { "a chunk id that is not UTF-8", [1], new Headers { { SplitHeaders.Id, [0xff] }, { SplitHeaders.Index, "0"u8.ToArray() }, { SplitHeaders.Count, "1"u8.ToArray() } }, "not UTF-8" },
        { "a chunk id without a value", [1], new Headers { { SplitHeaders.Id, null }, { SplitHeaders.Index, "0"u8.ToArray() }, { SplitHeaders.Count, "1"u8.ToArray() } }, "pipelines.split.id must be present" },
        { "an empty chunk id", [1], Chunk("", "0", "1"), "pipelines.split.id must be present" },
        { "a chunk index without an id", [1], new Headers { { SplitHeaders.Index, "0"u8.ToArray() } }, "pipelines.split.id must be present" },
        { "a chunk count without a value", [1], new Headers { { SplitHeaders.Id, "a"u8.ToArray() }, { SplitHeaders.Index, "0"u8.ToArray() }, { SplitHeaders.Count, null } }, "pipelines.split.count must be" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Anything_wrong_with_a_message_is_a_format_error_with_the_reason(string what, byte[]? value, Headers headers, string reason)
    {
        var reader = new InputDeserializer<CarTelemetry>(MaxSplit, ContractFormat.OfInputs<CarTelemetry>(null));

        var error = Assert.Throws<MessageFormatException>(() => Read(reader, value, headers));

        Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), $"{what}: '{error.Message}' does not say '{reason}'.");
        Assert.Empty(reader.Rows);
        Assert.Equal(1, reader.Count); // the message's raw value is still kept, at its index, for its dead letter
    }

    [Fact]
    public void A_joined_message_is_read_by_the_same_rules()
    {
        var reader = new InputDeserializer<CarTelemetry>(MaxSplit, ContractFormat.OfInputs<CarTelemetry>(null));

        var joined = reader.ReadKept(MessageSerializer.SerializePacked<CarTelemetry>([Car, Car, Car]), Typed(MessageTypes.Rows));

        Assert.Equal(3, joined.Count);
        Assert.Throws<MessageFormatException>(() => reader.ReadKept([0xc1], Typed(MessageTypes.Event)));
        Assert.Throws<MessageFormatException>(() => reader.ReadKept(MessageSerializer.Serialize(Car), Typed("bar")));
        Assert.Equal(3, reader.Rows.Count);
    }

    /// <summary>
    /// Valid messages of every kind, their headers and bodies mutated at random (seeded, so a failure repeats): each
    /// read either succeeds or throws the documented format error, and a failed read leaves no rows behind.
    /// </summary>
    [Fact]
    public void Mutated_messages_of_every_kind_are_read_or_rejected_as_format_errors_and_nothing_else()
    {
        var random = new Random(12);
        (byte[] Value, Headers Headers)[] seeds =
        [
            (MessageSerializer.Serialize(Car), []),
            (MessageSerializer.SerializePacked<CarTelemetry>([Car, Car, Car]), Typed(MessageTypes.Rows)),
            (StreamCodec.Write(new StreamEvent { Id = "pit", Value = "in", Timestamp = 9, Tags = new Dictionary<string, string> { ["lap"] = "3" } }), Typed(MessageTypes.Event)),
            (StreamCodec.Write(new StreamProperties { Name = "run", Metadata = new Dictionary<string, string> { ["driver"] = "A" }, Parents = ["p"] }), Typed(MessageTypes.StreamProperties)),
            (StreamCodec.Write(StreamEnd.Closed), Typed(MessageTypes.StreamEnd)),
            ([1, 2, 3, 4], Chunk("0123456789abcdef0123456789abcdef", "0", "2")),
        ];
        string[] headerKeys = [MessageTypes.Header, SplitHeaders.Id, SplitHeaders.Index, SplitHeaders.Count, "content-type", "traceparent"];
        var (read, rejected) = (0, 0);

        for (var iteration = 0; iteration < 20_000; iteration++)
        {
            var (seedValue, seedHeaders) = seeds[random.Next(seeds.Length)];
            var value = Mutations.Mutate(random, seedValue);
            var headers = new Headers();
            foreach (var header in seedHeaders)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }

            if (random.Next(3) == 0)
            {
                var key = headerKeys[random.Next(headerKeys.Length)];
                headers.Add(key, random.Next(4) == 0 ? null : Mutations.Mutate(random, Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "rows", 1 => "7", _ => "stream-end" })));
            }

            var reader = new InputDeserializer<CarTelemetry>(MaxSplit, ContractFormat.OfInputs<CarTelemetry>(null));
            try
            {
                var range = Read(reader, value, headers);
                Assert.Equal(range.Count, reader.Rows.Count);
                read++;
            }
            catch (MessageFormatException)
            {
                Assert.Empty(reader.Rows);
                rejected++;
            }
        }

        // Both outcomes happen often, so the mutations reach past the first byte of every kind.
        Assert.InRange(read, 1_000, 19_000);
        Assert.InRange(rejected, 1_000, 19_000);
    }
}
