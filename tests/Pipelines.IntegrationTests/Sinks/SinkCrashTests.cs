using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Npgsql;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Sinks;

/// <summary>
/// A table sink in a real host process, killed with SIGKILL ten times while it writes 200,000 rows: the table ends with
/// every row exactly once, each sensor's count and sum equal to the input's. SQLite here, PostgreSQL in
/// <see cref="PostgresSinkCrashTests"/>.
/// </summary>
public sealed class SinkCrashTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"pipelines-sink-crash-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }
    }

    [Fact]
    public Task A_SQLite_sink_killed_ten_times_while_it_writes_leaves_every_row_in_the_table_exactly_once() =>
        SinkCrash.KillTenTimesWhileWriting("SqliteArchive", file, sql =>
        {
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return SinkCrash.Read(command.ExecuteReader());
        });
}

/// <inheritdoc cref="SinkCrashTests"/>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSinkCrashTests(PostgresFixture postgres)
{
    [Fact]
    public Task A_PostgreSQL_sink_killed_ten_times_while_it_writes_leaves_every_row_in_the_table_exactly_once()
    {
        var database = postgres.NewDatabase();
        return SinkCrash.KillTenTimesWhileWriting("PostgresArchive", database, sql =>
        {
            using var connection = new NpgsqlConnection(database);
            connection.Open();
            using var command = new NpgsqlCommand(sql.Replace("Sensor", "\"Sensor\"").Replace("Value", "\"Value\""), connection);
            return SinkCrash.Read(command.ExecuteReader());
        });
    }
}

internal static class SinkCrash
{
    private const int Rows = 200_000;
    private const int Sensors = 5;

    /// <summary>
    /// Writes 200,000 readings of five sensors, packed fifty a message, then starts the sink <paramref name="processor"/>
    /// in a host process ten times, killing it each time once more rows reached the table, and an eleventh until all did.
    /// </summary>
    /// <param name="query">Runs a query on the table (its columns unquoted) and gives its rows as objects.</param>
    public static async Task KillTenTimesWhileWriting(string processor, string database, Func<string, List<object[]>> query)
    {
        using var harness = new KafkaHarness(partitions: 3);

        // Packed, fifty rows a message: 200,000 rows stay well inside the embedded broker's 5 MB a partition.
        using (var producer = new ProducerBuilder<string, byte[]>(harness.ProducerConfig()).Build())
        {
            var packed = new Headers { { MessageTypes.Header, "rows"u8.ToArray() } };
            for (var from = 0; from < Rows; from += 50 * Sensors)
            {
                for (var sensor = 0; sensor < Sensors; sensor++)
                {
                    var rows = Enumerable.Range(0, 50).Select(i => from + (i * Sensors) + sensor).Select(i => new Reading { Time = i, Sensor = "sensor-" + sensor, Value = i }).ToArray();
                    producer.Produce("readings", new Message<string, byte[]> { Key = "sensor-" + sensor, Value = MessageSerializer.SerializePacked<Reading>(rows), Headers = packed });
                }
            }

            Assert.Equal(0, producer.Flush(Bounded.Patience));
        }

        long Count()
        {
            try
            {
                return Convert.ToInt64(query("SELECT count(*) FROM readings").Single()[0]);
            }
            catch (Exception exception) when (exception is SqliteException or PostgresException)
            {
                return 0; // not created yet
            }
        }

        // Small batches, so that a kill lands between batches and inside them.
        string[] settings = ["--Crash:Database=" + database, $"--Pipelines:Processors:{processor}:InputBuffer:MaxRows=2000"];
        var written = 0L;
        for (var kill = 0; kill < 10; kill++)
        {
            var before = written;
            using var host = CrashHost.Start(processor, harness.Kafka.BootstrapServers, _ => { }, settings);
            await Bounded.Until(() => Task.FromResult(Count() > before + 5_000 || Count() == Rows), () => $"{Count()} rows after {kill} kills. {host.Errors}");
            host.Kill();
            await host.WaitForExit();
            written = Count();
        }

        // Every kill landed while rows were still to be written.
        Assert.True(written < Rows, $"all {Rows} rows were written before the tenth kill");

        using (var last = CrashHost.Start(processor, harness.Kafka.BootstrapServers, _ => { }, settings))
        {
            await Bounded.Until(() => Task.FromResult(Count() == Rows), () => $"{Count()} rows after the last start. {last.Errors}");
            last.Kill();
            await last.WaitForExit();
        }

        var expected = Enumerable.Range(0, Rows).GroupBy(i => "sensor-" + (i % Sensors)).Select(g => ((string)g.Key, (long)g.Count(), g.Sum(i => (double)i))).OrderBy(g => g.Item1);
        var found = query("SELECT Sensor, count(DISTINCT Value), sum(Value) FROM readings GROUP BY Sensor ORDER BY Sensor")
            .Select(r => ((string)r[0], Convert.ToInt64(r[1]), Convert.ToDouble(r[2])));
        Assert.Equal(expected, found);
        Assert.Equal((long)Rows, Count());
    }

    public static List<object[]> Read(System.Data.Common.DbDataReader reader)
    {
        using (reader)
        {
            var rows = new List<object[]>();
            while (reader.Read())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(values);
            }

            return rows;
        }
    }
}
