using Confluent.Kafka;
using Npgsql;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Sinks;

namespace Pipelines.IntegrationTests.Sinks;

/// <summary>The PostgreSQL sink against a real server: a batch's rows and positions in one transaction, or nothing of it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSinkTests(PostgresFixture postgres)
{
    private const string Topic = "cluster a, topic id 1";
    private readonly string database = postgres.NewDatabase();

    private PostgresSink<Reading> Sink(TableWrite write = TableWrite.Insert) => new(new TableSinkOptions { ConnectionString = database, Table = "readings", Write = write });

    private static Reading Row(string sensor, double value, long time = 1_765_063_815_250_000_000) => new() { Time = time, Sensor = sensor, Value = value };

    private static SinkBatch<Reading> Batch(IReadOnlyList<Reading> rows, params SinkPosition[] positions) => new(rows, positions, Topic);

    [Fact]
    public async Task A_batch_writes_its_rows_by_copy_and_its_positions_and_the_table_has_the_mapped_types()
    {
        using var sink = Sink();

        await sink.WriteAsync(Batch([Row("s1", 1.5), Row("s2", 2)], new SinkPosition("readings", 0, null, 7), new SinkPosition("readings", 2, null, 3)), default);
        await sink.WriteAsync(Batch([Row("s3", 3)], new SinkPosition("readings", 0, 7, 9)), default);

        Assert.Equal(new Dictionary<TopicPartition, long> { [new("readings", 0)] = 9, [new("readings", 2)] = 3 }, await sink.ReadPositionsAsync([new("readings", 0), new("readings", 1), new("readings", 2)], Topic, default));
        Assert.Equal(
            [("s1", 1.5, new DateTime(2025, 12, 6, 23, 30, 15, 250, DateTimeKind.Utc)), ("s2", 2.0, new DateTime(2025, 12, 6, 23, 30, 15, 250, DateTimeKind.Utc)), ("s3", 3.0, new DateTime(2025, 12, 6, 23, 30, 15, 250, DateTimeKind.Utc))],
            await Query(r => (r.GetString(0), r.GetDouble(1), r.GetDateTime(2)), "SELECT \"Sensor\", \"Value\", \"Time\" FROM readings ORDER BY \"Sensor\""));
        Assert.Equal(
            [("Time", "timestamp with time zone", "NO"), ("Sensor", "text", "NO"), ("Value", "double precision", "NO")],
            await Query(r => (r.GetString(0), r.GetString(1), r.GetString(2)), "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'readings' ORDER BY ordinal_position"));
    }

    [Fact]
    public async Task A_batch_that_starts_from_another_position_than_the_tables_writes_nothing()
    {
        using var sink = Sink();
        await sink.WriteAsync(Batch([Row("s1", 1)], new SinkPosition("readings", 0, null, 5)), default);

        var stale = await Assert.ThrowsAsync<SinkPositionConflictException>(() => sink.WriteAsync(Batch([Row("s2", 2)], new SinkPosition("readings", 0, 3, 6)), default));
        var fresh = await Assert.ThrowsAsync<SinkPositionConflictException>(() => sink.WriteAsync(Batch([Row("s3", 3)], new SinkPosition("readings", 0, null, 6)), default));

        Assert.Equal([new TopicPartition("readings", 0)], stale.Partitions);
        Assert.Equal([new TopicPartition("readings", 0)], fresh.Partitions);
        Assert.Equal(["s1"], await Query(r => r.GetString(0), "SELECT \"Sensor\" FROM readings"));
    }

    [Fact]
    public async Task Positions_of_another_topic_of_the_same_name_are_no_positions_and_are_replaced()
    {
        using var sink = Sink();
        await sink.WriteAsync(Batch([Row("s1", 1)], new SinkPosition("readings", 0, null, 40)), default);
        const string Recreated = "cluster a, topic id 2";

        var found = await sink.ReadPositionsAsync([new("readings", 0)], Recreated, default);
        await sink.WriteAsync(new SinkBatch<Reading>([Row("s2", 2)], [new SinkPosition("readings", 0, null, 3)], Recreated), default);

        Assert.Empty(found);
        Assert.Equal(3L, (await sink.ReadPositionsAsync([new("readings", 0)], Recreated, default))[new("readings", 0)]);
    }

    [Theory]
    [InlineData(TableWrite.Insert)]
    [InlineData(TableWrite.Upsert)]
    public async Task A_row_the_table_refuses_is_named_by_its_index_and_the_batch_is_left_unwritten(TableWrite write)
    {
        await Execute("CREATE TABLE readings (\"Time\" timestamptz NOT NULL, \"Sensor\" text NOT NULL PRIMARY KEY, \"Value\" double precision NOT NULL CHECK (\"Value\" <> 13))");
        using var sink = Sink(write);

        var refused = await Assert.ThrowsAsync<SinkRowException>(() => sink.WriteAsync(Batch([Row("s1", 1), Row("s2", 2), Row("s3", 13), Row("s4", 4)], new SinkPosition("readings", 0, null, 4)), default));

        Assert.Equal(2, refused.Row);
        Assert.Contains("violates check constraint", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Query(r => r.GetString(0), "SELECT \"Sensor\" FROM readings"));
        Assert.Empty(await sink.ReadPositionsAsync([new("readings", 0)], Topic, default));
    }

    [Fact]
    public async Task Upsert_keeps_the_latest_row_per_key_also_within_one_batch()
    {
        using var sink = Sink(TableWrite.Upsert);

        await sink.WriteAsync(Batch([Row("s1", 1), Row("s2", 2), Row("s1", 3)], new SinkPosition("readings", 0, null, 3)), default);
        await sink.WriteAsync(Batch([Row("s2", 5)], new SinkPosition("readings", 0, 3, 4)), default);

        Assert.Equal([("s1", 3.0), ("s2", 5.0)], await Query(r => (r.GetString(0), r.GetDouble(1)), "SELECT \"Sensor\", \"Value\" FROM readings ORDER BY \"Sensor\""));
    }

    private async Task<List<TValue>> Query<TValue>(Func<NpgsqlDataReader, TValue> read, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<TValue>();
        while (await reader.ReadAsync())
        {
            values.Add(read(reader));
        }

        return values;
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
