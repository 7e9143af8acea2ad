using Pipelines.Infrastructure;
using Pipelines.Sinks;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Sinks;

/// <summary>A contract's members as table columns: each field's column type and nullability, and the values in member order.</summary>
public sealed class ColumnsTests
{
    [Fact]
    public void Every_field_has_a_column_type_and_says_whether_it_may_be_null()
    {
        var columns = MessageSerializer.SchemaOf<Order>().Fields.Select(f => (f.Name, f.Column, f.IsNullable));

        Assert.Equal(
            [
                ("at", ColumnType.Time, false), ("customer", ColumnType.Text, false), ("total", ColumnType.Real, false), ("count", ColumnType.Integer, false),
                ("channel", ColumnType.Text, false), ("placed", ColumnType.Time, false), ("note", ColumnType.Text, true), ("address", ColumnType.Json, true),
            ],
            columns);
    }

    [Fact]
    public void A_row_hands_over_its_values_in_member_order_as_their_columns_hold_them()
    {
        var writer = new RecordingWriter();
        var order = new Order
        {
            At = 1_765_063_815_250_000_000,
            Customer = "ada",
            Total = 12.5,
            Count = 3,
            Channel = Channel.Store,
            Placed = new DateTime(2026, 12, 6, 23, 30, 15, DateTimeKind.Unspecified),
            Note = null,
            Address = new Address { City = "Bern", Zip = 3000 },
        };

        MessageSerializer.For<Order>().WriteColumns(writer, order);

        Assert.Equal(
            [
                DateTimeOffset.FromUnixTimeMilliseconds(1_765_063_815_250), "ada", 12.5, 3L, "Store",
                new DateTimeOffset(2026, 12, 6, 23, 30, 15, TimeSpan.Zero), null, """{"city":"Bern","zip":3000}""",
            ],
            writer.Values);
    }

    [Fact]
    public void Every_member_type_has_a_column_form()
    {
        var writer = new RecordingWriter();

        MessageSerializer.For<AllTypes>().WriteColumns(writer, AllTypesSamples.Maximums());

        Assert.Equal(MessageSerializer.SchemaOf<AllTypes>().Fields.Count, writer.Values.Count);
        Assert.Contains(ulong.MaxValue, writer.Values.OfType<decimal>().Select(d => (ulong)d));
    }

    private sealed class RecordingWriter : IColumnWriter
    {
        public List<object?> Values { get; } = [];

        public void WriteNull() => Values.Add(null);

        public void WriteBoolean(bool value) => Values.Add(value);

        public void WriteInteger(long value) => Values.Add(value);

        public void WriteReal(double value) => Values.Add(value);

        public void WriteDecimal(decimal value) => Values.Add(value);

        public void WriteText(string value) => Values.Add(value);

        public void WriteTime(DateTimeOffset value) => Values.Add(value);

        public void WriteDuration(TimeSpan value) => Values.Add(value);

        public void WriteUuid(Guid value) => Values.Add(value);

        public void WriteBytes(ReadOnlyMemory<byte> value) => Values.Add(value.ToArray());

        public void WriteJson(string json) => Values.Add(json);
    }
}
