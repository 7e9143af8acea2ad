using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Pipelines.Sinks;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Sinks;

/// <summary>The SQLite sink on its own: a batch's rows and positions in one transaction, or nothing of it.</summary>
public sealed class SqliteSinkTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"pipelines-sink-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }
    }

    private SqliteSink<Order> Sink(TableWrite write = TableWrite.Insert) =>
        new(new TableSinkOptions { ConnectionString = $"Data Source={file}", Table = "orders", Write = write });

    private static Order Row(string customer, double total) => new() { At = 1_765_063_815_250_000_000, Customer = customer, Total = total, Count = 1, Placed = DateTime.UnixEpoch };

    private const string Topic = "cluster a, topic id 1";

    private static SinkBatch<Order> Batch(IReadOnlyList<Order> rows, params SinkPosition[] positions) => new(rows, positions, Topic);

    [Fact]
    public async Task A_batch_writes_its_rows_and_positions_and_the_positions_read_back()
    {
        using var sink = Sink();

        await sink.WriteAsync(Batch([Row("ada", 1.5), Row("bob", 2)], new SinkPosition("orders", 0, null, 7), new SinkPosition("orders", 2, null, 3)), default);
        await sink.WriteAsync(Batch([Row("cy", 3)], new SinkPosition("orders", 0, 7, 9)), default);
        var positions = await sink.ReadPositionsAsync([new("orders", 0), new("orders", 1), new("orders", 2)], Topic, default);

        Assert.Equal(new Dictionary<TopicPartition, long> { [new("orders", 0)] = 9, [new("orders", 2)] = 3 }, positions);
        Assert.Equal([("ada", 1.5, "2025-12-06T23:30:15.2500000Z"), ("bob", 2.0, "2025-12-06T23:30:15.2500000Z"), ("cy", 3.0, "2025-12-06T23:30:15.2500000Z")], Query(r => (r.GetString(0), r.GetDouble(1), r.GetString(2)), "SELECT customer, total, at FROM orders ORDER BY customer"));
    }

    [Fact]
    public async Task A_batch_that_starts_from_another_position_than_the_tables_writes_nothing()
    {
        using var sink = Sink();
        await sink.WriteAsync(Batch([Row("ada", 1)], new SinkPosition("orders", 0, null, 5)), default);

        var stale = await Assert.ThrowsAsync<SinkPositionConflictException>(() => sink.WriteAsync(Batch([Row("bob", 2)], new SinkPosition("orders", 0, 3, 6)), default));
        var fresh = await Assert.ThrowsAsync<SinkPositionConflictException>(() => sink.WriteAsync(Batch([Row("cy", 3)], new SinkPosition("orders", 0, null, 6)), default));

        Assert.Equal([new TopicPartition("orders", 0)], stale.Partitions);
        Assert.Equal([new TopicPartition("orders", 0)], fresh.Partitions);
        Assert.Equal(["ada"], Query(r => r.GetString(0), "SELECT customer FROM orders"));
        Assert.Equal(5L, (await sink.ReadPositionsAsync([new("orders", 0)], Topic, default))[new("orders", 0)]);
    }

    [Fact]
    public async Task Positions_of_another_topic_of_the_same_name_are_no_positions_and_are_replaced()
    {
        using var sink = Sink();
        await sink.WriteAsync(Batch([Row("ada", 1)], new SinkPosition("orders", 0, null, 40)), default);
        const string Recreated = "cluster a, topic id 2";

        var found = await sink.ReadPositionsAsync([new("orders", 0)], Recreated, default);
        await sink.WriteAsync(new SinkBatch<Order>([Row("bob", 2)], [new SinkPosition("orders", 0, null, 3)], Recreated), default);

        Assert.Empty(found);
        Assert.Equal(3L, (await sink.ReadPositionsAsync([new("orders", 0)], Recreated, default))[new("orders", 0)]);
        Assert.Empty(await sink.ReadPositionsAsync([new("orders", 0)], Topic, default));
    }

    [Fact]
    public async Task A_row_the_table_refuses_names_its_index_and_leaves_the_batch_unwritten()
    {
        Execute("CREATE TABLE orders (at TEXT NOT NULL, customer TEXT NOT NULL, total REAL NOT NULL CHECK (total >= 0), count INTEGER NOT NULL, channel TEXT NOT NULL, placed TEXT NOT NULL, note TEXT, address TEXT)");
        using var sink = Sink();

        var refused = await Assert.ThrowsAsync<SinkRowException>(() => sink.WriteAsync(Batch([Row("ada", 1), Row("bob", -2), Row("cy", 3)], new SinkPosition("orders", 0, null, 3)), default));

        Assert.Equal(1, refused.Row);
        Assert.Contains("CHECK constraint failed", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Query(r => r.GetString(0), "SELECT customer FROM orders"));
        Assert.Empty(await sink.ReadPositionsAsync([new("orders", 0)], Topic, default));
    }

    [Fact]
    public async Task Upsert_keeps_the_latest_row_per_key_and_the_created_table_says_the_types()
    {
        using var sink = Sink(TableWrite.Upsert);

        await sink.WriteAsync(Batch([Row("ada", 1), Row("bob", 2), Row("ada", 3)], new SinkPosition("orders", 0, null, 3)), default);

        Assert.Equal([("ada", 3.0), ("bob", 2.0)], Query(r => (r.GetString(0), r.GetDouble(1)), "SELECT customer, total FROM orders ORDER BY customer"));
        Assert.Equal(
            """CREATE TABLE "orders" ("at" TEXT NOT NULL, "customer" TEXT NOT NULL, "total" REAL NOT NULL, "count" INTEGER NOT NULL, "channel" TEXT NOT NULL, "placed" TEXT NOT NULL, "note" TEXT, "address" TEXT, PRIMARY KEY ("customer"))""",
            Query(r => r.GetString(0), "SELECT sql FROM sqlite_master WHERE name = 'orders'").Single());
    }

    [Fact]
    public void Upsert_without_tags_is_refused_naming_the_fix()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => new SqliteSink<DashedRow>(new TableSinkOptions { ConnectionString = $"Data Source={file}", Table = "rows", Write = TableWrite.Upsert }));

        Assert.Contains("mark its key [Tag]", refused.Message, StringComparison.Ordinal);
    }

    private List<TValue> Query<TValue>(Func<SqliteDataReader, TValue> read, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<TValue>();
        while (reader.Read())
        {
            values.Add(read(reader));
        }

        return values;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
