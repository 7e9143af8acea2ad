using System.Text;
using Npgsql;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.Sinks;

namespace Pipelines.IntegrationTests.Sinks;

/// <summary>A topic into a PostgreSQL table through a sink runner: a server that is down waited for, a refused row dead-lettered with the server's message.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSinkRunnerTests(PostgresFixture postgres) : IDisposable
{
    private readonly KafkaHarness harness = new(partitions: 3);
    private readonly string database = postgres.NewDatabase();

    public void Dispose() => harness.Dispose();

    private ProcessorOptions Options() => harness.Options() with { Name = "archive", GroupId = "archive", OutputTopic = null };

    [Fact]
    public async Task A_server_that_is_down_is_waited_for_and_nothing_is_lost()
    {
        await harness.Produce(KafkaHarness.Readings(0, 50));
        postgres.Server.Pause();
        try
        {
            var missed = new SqliteSinkRunnerTests.LogCollector(1002);
            using var stop = new CancellationTokenSource();
            using var sink = new PostgresSink<Reading>(new TableSinkOptions { ConnectionString = database, Table = "readings" });
            var run = new SinkRunner<Reading>(Options(), sink, missed).RunAsync(stop.Token);
            await missed.Seen.Task.WithinPatience();
            postgres.Server.Resume();

            await Bounded.Until(async () => await Count() == 50, () => "rows not all written");
            await stop.CancelAsync();
            await run.WithinPatience();
        }
        finally
        {
            TryResume();

            // Connections pooled before the restart are gone with it.
            NpgsqlConnection.ClearAllPools();
        }

        Assert.Equal(50L, await Scalar("SELECT count(DISTINCT \"Value\") FROM readings"));
    }

    [Fact]
    public async Task A_row_the_table_refuses_goes_to_the_dead_letter_topic_with_the_servers_message()
    {
        await Execute("CREATE TABLE readings (\"Time\" timestamptz NOT NULL, \"Sensor\" text NOT NULL, \"Value\" double precision NOT NULL CHECK (\"Value\" <> 13))");
        await harness.ProducePacked("sensor-1", KafkaHarness.Readings(12, 3));
        await harness.Produce(KafkaHarness.Readings(20, 5));
        using var stop = new CancellationTokenSource();
        using var sink = new PostgresSink<Reading>(new TableSinkOptions { ConnectionString = database, Table = "readings" });
        var run = new SinkRunner<Reading>(Options(), sink).RunAsync(stop.Token);

        await Bounded.Until(async () => await Count() == 7, () => "rows not all written");
        await stop.CancelAsync();
        await run.WithinPatience();
        var letter = harness.Read("readings.dlq", 1).Single();

        Assert.Contains("violates check constraint", Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage)), StringComparison.Ordinal);
        Assert.Equal(13.0, MessageSerializer.Deserialize<Reading>(letter.Message.Value).Value);
    }

    private void TryResume()
    {
        try
        {
            postgres.Server.Resume();
        }
        catch (InvalidOperationException)
        {
            // Running already.
        }
    }

    private async Task<long> Count()
    {
        try
        {
            return await Scalar("SELECT count(*) FROM readings");
        }
        catch (Exception exception) when (exception is PostgresException or NpgsqlException)
        {
            return 0; // not created yet, or the server not back yet
        }
    }

    private async Task<long> Scalar(string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
