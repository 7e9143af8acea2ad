using System.Buffers;
using Avro.Generic;
using Avro.IO;
using Pipelines.Infrastructure;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>
/// The generated Avro binary writer and reader against Apache.Avro, an implementation no one here wrote: it reads what
/// ours writes with the contract's derived schema and writes the same bytes back, and ours reads what it writes.
/// </summary>
public class AvroBinaryTests
{
    // Maximums holds an enum value with no name of its own, which an Avro enum cannot carry (asserted below).
    public static TheoryData<string> Samples => new(AllTypesSamples.All.Where(s => s != "Maximums"));

    [Theory]
    [MemberData(nameof(Samples))]
    public void Apache_Avro_reads_every_supported_type_as_written_and_writes_the_same_bytes_back(string sample)
    {
        var schema = Avro.Schema.Parse(MessageSerializer.SchemaOf<AllTypes>().AvroSchema);
        var ours = Write(AllTypesSamples.ByName(sample));

        var record = new GenericDatumReader<GenericRecord>(schema, schema).Read(null!, new BinaryDecoder(new MemoryStream(ours)));
        var theirs = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema).Write(record, new BinaryEncoder(theirs));

        Assert.Equal(Convert.ToHexString(ours), Convert.ToHexString(theirs.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void What_the_writer_writes_the_reader_reads_to_a_row_that_writes_the_same_bytes(string sample)
    {
        var bytes = Write(AllTypesSamples.ByName(sample));

        var reader = new AvroReader(bytes);
        var read = MessageSerializer.For<AllTypes>().ReadAvro(ref reader);

        Assert.True(reader.End);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(Write(read)));
    }

    [Fact]
    public void Values_keep_what_the_schema_can_hold()
    {
        var expected = AllTypesSamples.Typical();
        var bytes = Write(expected);
        var reader = new AvroReader(bytes);
        var read = MessageSerializer.For<AllTypes>().ReadAvro(ref reader);

        Assert.Equal((expected.Tag, expected.Int64, expected.UInt64, expected.Double, expected.Decimal, expected.Guid, expected.Gear, expected.Marker), (read.Tag, read.Int64, read.UInt64, read.Double, read.Decimal, read.Guid, read.Gear, read.Marker));
        Assert.Equal(expected.Strings, read.Strings);
        Assert.Equal(expected.Points?.Select(p => (p.X, p.Y)), read.Points?.Select(p => (p.X, p.Y)));

        // timestamp-micros: the instant to the microsecond, in UTC.
        Assert.Equal(expected.DateTimeOffset.UtcTicks / 10, read.DateTimeOffset.UtcTicks / 10);
        Assert.Equal(TimeSpan.Zero, read.DateTimeOffset.Offset);
    }

    [Fact]
    public void A_record_Apache_Avro_wrote_reads_into_the_contract()
    {
        var schema = (Avro.RecordSchema)Avro.Schema.Parse(MessageSerializer.SchemaOf<Address>().AvroSchema);
        var record = new GenericRecord(schema);
        record.Add("city", "Zürich");
        record.Add("zip", 8001);
        var bytes = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema).Write(record, new BinaryEncoder(bytes));

        var reader = new AvroReader(bytes.ToArray());
        var address = MessageSerializer.For<Address>().ReadAvro(ref reader);

        Assert.Equal(("Zürich", 8001), (address.City, address.Zip));
    }

    [Fact]
    public void A_value_past_the_end_of_the_bytes_names_its_field()
    {
        var bytes = Write(AllTypesSamples.Typical());

        var exception = Assert.Throws<MessageFormatException>(() =>
        {
            var reader = new AvroReader(bytes.AsSpan(0, 20));
            MessageSerializer.For<AllTypes>().ReadAvro(ref reader);
        });

        Assert.NotNull(exception.Field);
        Assert.Contains("the message ends too early", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enum_value_without_a_name_is_refused_saying_so()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Write(AllTypesSamples.Maximums()));

        Assert.Equal("Gear value 255 has no name of its own, so it has no Avro symbol.", exception.Message);
    }

    [Fact]
    public void Writing_a_row_allocates_nothing()
    {
        var row = new JsonReading { Time = 1, Sensor = "sensor-7", Value = 21.5 };
        var output = new ArrayBufferWriter<byte>(1024);

        var allocated = AllocationTests.Measure(() =>
        {
            output.ResetWrittenCount();
            var writer = new AvroWriter(output);
            MessageSerializer.For<JsonReading>().WriteAvro(ref writer, row);
            writer.Flush();
        });

        Assert.Equal(0, allocated);
    }

    private static byte[] Write(AllTypes row)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new AvroWriter(output);
        MessageSerializer.For<AllTypes>().WriteAvro(ref writer, row);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}
