using MessagePack;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

public class PackedRowsTests
{
    [Fact]
    public void A_list_or_any_read_only_list_packs_to_the_same_bytes_as_a_span()
    {
        var rows = new List<Point> { new() { X = 1 }, new() { X = 2, Y = 3 } };
        var expected = MessageSerializer.SerializePacked<Point>(rows.ToArray().AsSpan());

        Assert.Equal(expected, MessageSerializer.SerializePacked(rows));
        Assert.Equal(expected, MessageSerializer.SerializePacked<Point>(rows.AsReadOnly()));
        Assert.Equal(expected, MessageSerializer.SerializePacked<Point>(rows.ToArray()));
    }

    [Fact]
    public void A_batch_of_every_sample_round_trips_in_order()
    {
        var rows = AllTypesSamples.All.Select(AllTypesSamples.ByName).ToArray();

        var bytes = MessageSerializer.SerializePacked<AllTypes>(rows);
        var read = new List<AllTypes>();
        var count = MessageSerializer.DeserializePacked(bytes, read);

        Assert.Equal(rows.Length, count);
        for (var i = 0; i < rows.Length; i++)
        {
            AllTypesSamples.AssertEquivalent(rows[i], read[i]);
        }
    }

    [Fact]
    public void Batches_append_to_existing_rows()
    {
        var first = MessageSerializer.SerializePacked<SensorReading>(new[] { Reading(1), Reading(2) });
        var second = MessageSerializer.SerializePacked<SensorReading>(new[] { Reading(3) });
        var rows = new List<SensorReading>();

        MessageSerializer.DeserializePacked(first, rows);
        MessageSerializer.DeserializePacked(second.AsSpan(), rows);

        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Time));
        Assert.All(rows, r => Assert.Equal("sensor-" + r.Time, r.Sensor));
    }

    [Fact]
    public void Constructor_built_rows_are_read_from_column_cursors()
    {
        var rows = Enumerable.Range(0, 50)
            .Select(i => new PositionalRow(DateTime.UnixEpoch.AddSeconds(i), "s" + (i % 3), i / 2f) { Note = i % 2 == 0 ? null : "odd" })
            .ToArray();

        var read = new List<PositionalRow>();
        MessageSerializer.DeserializePacked(MessageSerializer.SerializePacked<PositionalRow>(rows), read);

        Assert.Equal(rows, read);
    }

    [Fact]
    public void An_empty_batch_round_trips()
    {
        var read = new List<SensorReading>();

        var count = MessageSerializer.DeserializePacked(MessageSerializer.SerializePacked<SensorReading>([]), read);

        Assert.Equal(0, count);
        Assert.Empty(read);
    }

    [Fact]
    public void The_batch_layout_is_rows_then_one_named_column_per_field()
    {
        var bytes = MessageSerializer.SerializePacked<SensorReading>(new[] { Reading(1), Reading(2) });

        var batch = MessagePackSerializer.Deserialize<Dictionary<object, object>>(bytes);

        Assert.Equal(["rows", "columns"], batch.Keys);
        Assert.Equal(2, Convert.ToInt32(batch["rows"]));
        var columns = (Dictionary<object, object>)batch["columns"];
        Assert.Equal(["Time", "Sensor", "Value", "Quality", "Valid"], columns.Keys);
        Assert.Equal(new object[] { "sensor-1", "sensor-2" }, (object[])columns["Sensor"]);
        Assert.Equal(new object[] { 1.5, 3.0 }, (object[])columns["Value"]);
    }

    [Fact]
    public void Columns_may_come_before_rows_and_in_any_order()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("columns");
            w.WriteMapHeader(2);
            w.Write("Value");
            w.WriteArrayHeader(2);
            w.Write(1.0);
            w.Write(2.0);
            w.Write("Sensor");
            w.WriteArrayHeader(2);
            w.Write("a");
            w.Write("b");
            w.Write("rows");
            w.Write(2);
        });

        var rows = new List<SensorReading>();
        MessageSerializer.DeserializePacked(bytes, rows);

        Assert.Equal([("a", 1.0), ("b", 2.0)], rows.Select(r => (r.Sensor, r.Value)));
    }

    [Fact]
    public void Rows_without_any_known_column_keep_their_defaults()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("rows");
            w.Write(3);
            w.Write("columns");
            w.WriteMapHeader(1);
            w.Write("Unknown");
            w.WriteArrayHeader(3);
            w.Write(1);
            w.Write(2);
            w.Write(3);
        });

        var rows = new List<ReadingV2>();
        MessageSerializer.DeserializePacked(bytes, rows);

        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("celsius", r.Unit));
    }

    internal static SensorReading Reading(long i) => new() { Time = i, Sensor = "sensor-" + i, Value = i * 1.5, Quality = (int)i, Valid = i % 2 == 0 };

    internal delegate void WriteAction(ref MessagePackWriter writer);

    internal static byte[] Write(WriteAction write)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        write(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}
