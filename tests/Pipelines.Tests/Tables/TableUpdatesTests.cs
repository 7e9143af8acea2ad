using System.Text;
using Confluent.Kafka;
using Pipelines.Processing;
using Pipelines.Tables;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Tables;

/// <summary>What each kind of message on a table's topic does to the table.</summary>
public class TableUpdatesTests
{
    private readonly GlobalTable<SensorReading> table = new("sensor-readings");
    private readonly List<SensorReading> scratch = [];

    [Fact]
    public void A_row_sets_its_key_and_a_later_one_replaces_it()
    {
        var first = Apply("s1", MessageSerializer.Serialize(Reading("s1", 1)));
        var second = Apply("s1", MessageSerializer.Serialize(Reading("s1", 2)));

        Assert.Equal((TableUpdate.Set, TableUpdate.Set), (first, second));
        Assert.True(table.TryGet("s1", out var row));
        Assert.Equal((2.0, 1), (row.Value, table.Count));
    }

    [Fact]
    public void Packed_rows_leave_the_last_row_of_the_message()
    {
        var update = Apply("s1", MessageSerializer.SerializePacked<SensorReading>([Reading("s1", 1), Reading("s1", 2), Reading("s1", 3)]), Type(MessageTypes.Rows));

        Assert.Equal(TableUpdate.Set, update);
        Assert.Equal(3.0, table.GetValueOrDefault("s1").Value);
    }

    [Fact]
    public void A_tombstone_deletes_the_key_and_a_lookup_then_misses()
    {
        Apply("s1", MessageSerializer.Serialize(Reading("s1", 1)));
        Apply("s2", MessageSerializer.Serialize(Reading("s2", 1)));

        var update = Apply("s1", null);

        Assert.Equal(TableUpdate.Deleted, update);
        Assert.False(table.TryGet("s1", out _));
        Assert.True(table.TryGet("s2", out _));
    }

    [Theory]
    [InlineData(MessageTypes.Event)]
    [InlineData(MessageTypes.StreamProperties)]
    [InlineData(MessageTypes.StreamEnd)]
    public void Stream_messages_leave_the_table_as_it_was(string type)
    {
        Apply("s1", MessageSerializer.Serialize(Reading("s1", 1)));

        var update = Apply("s1", [0x80], Type(type));

        Assert.Equal(TableUpdate.Ignored, update);
        Assert.Equal(1.0, table.GetValueOrDefault("s1").Value);
    }

    [Fact]
    public void An_unknown_type_or_a_chunk_is_unreadable_and_changes_nothing()
    {
        var unknown = Apply("s1", MessageSerializer.Serialize(Reading("s1", 1)), Type("foo"));
        var chunk = Apply("s1", MessageSerializer.Serialize(Reading("s1", 1)), new Headers { { "pipelines.split.id", "x"u8.ToArray() } });

        Assert.Equal((TableUpdate.Unreadable, TableUpdate.Unreadable), (unknown, chunk));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void A_value_that_is_not_a_row_throws_and_changes_nothing()
    {
        Assert.Throws<MessageFormatException>(() => Apply("s1", [0xc1]));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void A_partitioned_table_forgets_the_rows_of_a_partition_handed_over_and_keeps_the_others()
    {
        var partitioned = new Table<SensorReading>("sensor-readings");
        TableUpdates.Apply(partitioned, ContractFormat.Of<SensorReading>(null), 0, "s1"u8.ToArray(), MessageSerializer.Serialize(Reading("s1", 1)), null, scratch);
        TableUpdates.Apply(partitioned, ContractFormat.Of<SensorReading>(null), 1, "s2"u8.ToArray(), MessageSerializer.Serialize(Reading("s2", 2)), null, scratch);
        TableUpdates.Apply(partitioned, ContractFormat.Of<SensorReading>(null), 1, "s3"u8.ToArray(), MessageSerializer.Serialize(Reading("s3", 3)), null, scratch);

        ((ITableRows<SensorReading>)partitioned).Drop(1);

        Assert.Equal(1, partitioned.Count);
        Assert.Equal(1.0, partitioned.GetValueOrDefault("s1")!.Value);
        Assert.False(partitioned.TryGet("s2", out _));
    }

    [Fact]
    public void A_partitioned_table_reads_updates_and_tombstones_as_a_global_one_does()
    {
        var partitioned = new Table<SensorReading>("sensor-readings");
        TableUpdates.Apply(partitioned, ContractFormat.Of<SensorReading>(null), 0, "s1"u8.ToArray(), MessageSerializer.Serialize(Reading("s1", 1)), null, scratch);
        TableUpdates.Apply(partitioned, ContractFormat.Of<SensorReading>(null), 0, "s1"u8.ToArray(), MessageSerializer.Serialize(Reading("s1", 5)), null, scratch);
        TableUpdates.Apply(partitioned, ContractFormat.Of<SensorReading>(null), 0, "s2"u8.ToArray(), MessageSerializer.Serialize(Reading("s2", 2)), null, scratch);
        var deleted = TableUpdates.Apply(partitioned, ContractFormat.Of<SensorReading>(null), 0, "s2"u8.ToArray(), null, null, scratch);

        Assert.Equal(TableUpdate.Deleted, deleted);
        Assert.Equal((5.0, 1), (partitioned.GetValueOrDefault("s1")!.Value, partitioned.Count));
    }

    private TableUpdate Apply(string key, byte[]? value, Headers? headers = null) =>
        TableUpdates.Apply(table, ContractFormat.Of<SensorReading>(null), 0, Encoding.UTF8.GetBytes(key), value, headers, scratch);

    private static Headers Type(string type) => new() { { MessageTypes.Header, Encoding.UTF8.GetBytes(type) } };

    private static SensorReading Reading(string sensor, double value) => new() { Sensor = sensor, Value = value, Time = 1 };
}
