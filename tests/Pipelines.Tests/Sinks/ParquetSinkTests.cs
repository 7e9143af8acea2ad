using Confluent.Kafka;
using Parquet;
using Parquet.Schema;
using Pipelines.Sinks;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Sinks;

/// <summary>The Parquet sink on its own: a file per batch, whole or absent, its positions in its metadata.</summary>
public sealed class ParquetSinkTests : IDisposable
{
    private const string Topic = "cluster a, topic id 1";
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"pipelines-parquet-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private ParquetSink<Order> Sink() => new(new ParquetSinkOptions { Directory = directory });

    private static Order Row(string customer, double total, string? note = null) =>
        new() { At = 1_765_063_815_250_000_000, Customer = customer, Total = total, Count = 2, Channel = Channel.Store, Placed = DateTime.UnixEpoch, Note = note, Address = note is null ? null : new Address { City = "Bern" } };

    private static SinkBatch<Order> Batch(IReadOnlyList<Order> rows, params SinkPosition[] positions) => new(rows, positions, Topic);

    [Fact]
    public async Task Each_batch_is_a_file_whose_rows_read_back_and_whose_metadata_holds_its_positions()
    {
        var sink = Sink();

        await sink.WriteAsync(Batch([Row("ada", 1.5, "vip"), Row("bob", 2)], new SinkPosition("orders", 0, null, 7), new SinkPosition("orders", 2, null, 3)), default);
        await sink.WriteAsync(Batch([Row("cy", 3)], new SinkPosition("orders", 0, 7, 9)), default);
        var positions = await Sink().ReadPositionsAsync([new("orders", 0), new("orders", 1), new("orders", 2)], Topic, default);

        Assert.Equal(2, Directory.GetFiles(directory, "*.parquet").Length);
        Assert.Equal(new Dictionary<TopicPartition, long> { [new("orders", 0)] = 9, [new("orders", 2)] = 3 }, positions);
        var rows = await ReadAll();
        Assert.Equal(
            [("ada", 1.5, (string?)"vip", (string?)"""{"city":"Bern","zip":0}""", (long?)2L, (DateTime?)new DateTime(2025, 12, 6, 23, 30, 15, 250, DateTimeKind.Utc), "Store"), ("bob", 2.0, null, null, 2L, new DateTime(2025, 12, 6, 23, 30, 15, 250, DateTimeKind.Utc), "Store"), ("cy", 3.0, null, null, 2L, new DateTime(2025, 12, 6, 23, 30, 15, 250, DateTimeKind.Utc), "Store")],
            rows.OrderBy(r => r.Customer));
    }

    [Fact]
    public async Task A_file_a_crash_left_unfinished_is_no_file_and_is_removed()
    {
        var sink = Sink();
        await sink.WriteAsync(Batch([Row("ada", 1)], new SinkPosition("orders", 0, null, 4)), default);
        await File.WriteAllTextAsync(Path.Combine(directory, "orders-x.parquet.unfinished"), "half a file");

        var positions = await Sink().ReadPositionsAsync([new("orders", 0)], Topic, default);

        Assert.Equal(4L, positions[new("orders", 0)]);
        Assert.Empty(Directory.GetFiles(directory, "*.unfinished"));
    }

    [Fact]
    public async Task Positions_of_another_topic_are_no_positions_and_a_batch_from_elsewhere_is_refused()
    {
        var sink = Sink();
        await sink.WriteAsync(Batch([Row("ada", 1)], new SinkPosition("orders", 0, null, 4)), default);

        Assert.Empty(await Sink().ReadPositionsAsync([new("orders", 0)], "cluster b, topic id 9", default));
        var stale = await Assert.ThrowsAsync<SinkPositionConflictException>(() => sink.WriteAsync(Batch([Row("bob", 2)], new SinkPosition("orders", 0, 2, 5)), default));
        Assert.Equal([new TopicPartition("orders", 0)], stale.Partitions);
        Assert.Single(Directory.GetFiles(directory, "*.parquet"));
    }

    [Fact]
    public async Task A_decimal_a_parquet_decimal_cannot_hold_exactly_refuses_its_row_and_leaves_no_file()
    {
        var fine = new AllTypes { Decimal = 123_456_789_012_345_678_901.5m - 100_000_000_000_000_000_000m };
        var tiny = new AllTypes { Decimal = 0.0000000000000000001m };
        var huge = new AllTypes { Decimal = 100_000_000_000_000_000_000m };
        var parquet = new ParquetSink<AllTypes>(new ParquetSinkOptions { Directory = directory });

        var refusedTiny = await Assert.ThrowsAsync<SinkRowException>(() => parquet.WriteAsync(new SinkBatch<AllTypes>([fine, tiny], [new SinkPosition("all-types", 0, null, 2)], Topic), default));
        var refusedHuge = await Assert.ThrowsAsync<SinkRowException>(() => parquet.WriteAsync(new SinkBatch<AllTypes>([huge], [new SinkPosition("all-types", 0, null, 1)], Topic), default));
        await parquet.WriteAsync(new SinkBatch<AllTypes>([fine], [new SinkPosition("all-types", 0, null, 1)], Topic), default);

        Assert.Equal((1, 0), (refusedTiny.Row, refusedHuge.Row));
        Assert.Equal("column 'Decimal' is a Parquet decimal(38, 18), which cannot hold 0.0000000000000000001 exactly (at most 20 digits before the point and 18 after)", refusedTiny.Message);
        Assert.Single(Directory.GetFiles(directory));
    }

    private async Task<List<(string Customer, double Total, string? Note, string? Address, long? Count, DateTime? At, string? Channel)>> ReadAll()
    {
        var rows = new List<(string, double, string?, string?, long?, DateTime?, string?)>();
        foreach (var file in Directory.GetFiles(directory, "*.parquet"))
        {
            await using var reader = await ParquetReader.CreateAsync(file);
            var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name);
            using var group = reader.OpenRowGroupReader(0);
            var count = (int)group.RowCount;
            var customers = await Strings(group, fields["customer"], count);
            var totals = new double?[count];
            await group.ReadAsync<double>(fields["total"], totals.AsMemory());
            var counts = new long?[count];
            await group.ReadAsync<long>(fields["count"], counts.AsMemory());
            var at = new DateTime?[count];
            await group.ReadAsync<DateTime>(fields["at"], at.AsMemory());
            var notes = await Strings(group, fields["note"], count);
            var addresses = await Strings(group, fields["address"], count);
            var channels = await Strings(group, fields["channel"], count);
            for (var i = 0; i < count; i++)
            {
                rows.Add((customers[i]!, totals[i]!.Value, notes[i], addresses[i], counts[i], at[i], channels[i]));
            }
        }

        return rows;
    }

    private static async Task<string?[]> Strings(ParquetRowGroupReader group, DataField field, int count)
    {
        var values = new string?[count];
        await group.ReadAsync(field, values.AsMemory()!);
        return values;
    }
}
