using System.Text;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.Sinks;

namespace Pipelines.IntegrationTests.Sinks;

/// <summary>
/// A topic into a SQLite table through a sink runner on the embedded broker: every row once, a second run (even in
/// another group) reading on from the table's positions, what cannot be read or is refused in the dead-letter topic
/// with the reason, and a database that is away waited for.
/// </summary>
public sealed class SqliteSinkRunnerTests : IDisposable
{
    private readonly KafkaHarness harness = new(partitions: 3);
    private readonly string file = Path.Combine(Path.GetTempPath(), $"pipelines-sink-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        harness.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }
    }

    private ProcessorOptions Options(string group = "archive") => harness.Options() with { Name = "archive", GroupId = group, OutputTopic = null };

    private SqliteSink<Reading> Sink() => new(new TableSinkOptions { ConnectionString = $"Data Source={file}", Table = "readings" });

    [Fact]
    public async Task Every_row_lands_once_and_a_second_run_in_another_group_reads_on_from_the_tables_positions()
    {
        await harness.Produce(KafkaHarness.Readings(0, 600));
        await harness.ProduceRaw("sensor-1", "not a row"u8.ToArray());
        await RunUntil(Options("archive"), rows => rows == 600);

        // A new group has no committed offsets: only the table's positions keep it from writing the first 600 again.
        await harness.Produce(KafkaHarness.Readings(600, 400));
        await RunUntil(Options("archive-again"), rows => rows == 1000);

        Assert.Equal((1000L, 1000L, Enumerable.Range(0, 1000).Sum(i => (double)i)), Scalar(r => (r.GetInt64(0), r.GetInt64(1), r.GetDouble(2)), "SELECT count(*), count(DISTINCT Value), sum(Value) FROM readings"));
        Assert.Equal(harness.EndOf("readings"), Scalar(r => r.GetInt64(0), "SELECT sum(next_offset) FROM pipelines_sink_positions WHERE table_name = 'readings'"));
        var letter = harness.Read("readings.dlq", 1).Single();
        Assert.Equal("not a row", Encoding.UTF8.GetString(letter.Message.Value));
        Assert.Equal("archive", Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.Processor)));
    }

    [Fact]
    public async Task A_table_kept_from_another_broker_takes_the_new_brokers_rows_from_their_start()
    {
        await harness.Produce(KafkaHarness.Readings(0, 100));
        await RunUntil(Options(), rows => rows == 100);

        // A second run on a new embedded broker: its offsets start again at 0, and the table's positions are of the old topic.
        using var next = new KafkaHarness(partitions: 3);
        await next.Produce(KafkaHarness.Readings(1000, 30));
        await RunUntil(next.Options() with { Name = "archive", GroupId = "archive", OutputTopic = null }, rows => rows == 130);

        Assert.Equal(30L, Scalar(r => r.GetInt64(0), "SELECT count(*) FROM readings WHERE Value >= 1000"));
    }

    [Fact]
    public async Task A_row_the_table_refuses_goes_to_the_dead_letter_topic_with_the_databases_message_and_the_rest_are_written()
    {
        Execute("CREATE TABLE readings (Time TEXT NOT NULL, Sensor TEXT NOT NULL, Value REAL NOT NULL CHECK (Value <> 13))");
        await harness.ProducePacked("sensor-1", KafkaHarness.Readings(12, 3));
        await harness.Produce(KafkaHarness.Readings(20, 5));

        await RunUntil(Options(), rows => rows == 7);
        var letter = harness.Read("readings.dlq", 1).Single();

        Assert.Equal([12.0, 14.0, 20.0, 21.0, 22.0, 23.0, 24.0], Column(r => r.GetDouble(0), "SELECT Value FROM readings ORDER BY Value"));
        Assert.Contains("CHECK constraint failed", Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage)), StringComparison.Ordinal);
        Assert.Equal("1-1/3", Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.SourceRows)));
        Assert.Equal(13.0, MessageSerializer.Deserialize<Reading>(letter.Message.Value).Value);
    }

    [Fact]
    public async Task A_database_that_is_away_is_waited_for_and_nothing_is_lost()
    {
        await harness.Produce(KafkaHarness.Readings(0, 50));
        using (var warmUp = Sink())
        {
            await warmUp.ReadPositionsAsync([new TopicPartition("readings", 0)], null, default);
        }

        // Another connection holds the database's write lock: every write the sink tries times out.
        using var holder = new SqliteConnection($"Data Source={file}");
        holder.Open();
        using var lockIt = holder.CreateCommand();
        lockIt.CommandText = "BEGIN EXCLUSIVE";
        lockIt.ExecuteNonQuery();

        var missed = new LogCollector(1002);
        using var stop = new CancellationTokenSource();
        using var sink = Sink();
        var run = new SinkRunner<Reading>(Options(), sink, missed).RunAsync(stop.Token);
        await missed.Seen.Task.WithinPatience();
        using (var release = holder.CreateCommand())
        {
            release.CommandText = "COMMIT";
            release.ExecuteNonQuery();
        }

        await Bounded.Until(() => Task.FromResult(Count() == 50), () => $"{Count()} rows");
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(50L, Scalar(r => r.GetInt64(0), "SELECT count(DISTINCT Value) FROM readings"));
    }

    private async Task RunUntil(ProcessorOptions options, Func<long, bool> done)
    {
        using var stop = new CancellationTokenSource();
        using var sink = Sink();
        var run = new SinkRunner<Reading>(options, sink).RunAsync(stop.Token);
        await Bounded.Until(() => Task.FromResult(run.IsCompleted || done(Count())), () => $"{Count()} rows");
        await stop.CancelAsync();
        await run.WithinPatience();
    }

    private long Count()
    {
        try
        {
            return Scalar(r => r.GetInt64(0), "SELECT count(*) FROM readings");
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }

    private TValue Scalar<TValue>(Func<SqliteDataReader, TValue> read, string sql) => Column(read, sql).Single();

    private List<TValue> Column<TValue>(Func<SqliteDataReader, TValue> read, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
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

    /// <summary>Completes <see cref="Seen"/> when an entry of the given event id is logged.</summary>
    internal sealed class LogCollector(int eventId) : Microsoft.Extensions.Logging.ILogger
    {
        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (id.Id == eventId)
            {
                Seen.TrySetResult();
            }
        }
    }
}
