using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Pipelines.Processing;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;

namespace Pipelines.IntegrationTests.Sinks;

/// <summary>
/// A SQLite sink in a real host process, killed with SIGKILL ten times while it writes 200,000 rows: the table ends
/// with every row exactly once, each sensor's count and sum equal to the input's.
/// </summary>
public sealed class SinkCrashTests : IDisposable
{
    private const int Rows = 200_000;
    private const int Sensors = 5;
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
    public async Task A_host_killed_ten_times_while_it_writes_leaves_every_row_in_the_table_exactly_once()
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

        // Small batches, so that a kill lands between batches and inside them.
        string[] settings = ["--Crash:Database=" + file, "--Pipelines:Processors:SqliteArchive:InputBuffer:MaxRows=2000"];
        var written = 0L;
        for (var kill = 0; kill < 10; kill++)
        {
            var before = written;
            using var host = CrashHost.Start("SqliteArchive", harness.Kafka.BootstrapServers, _ => { }, settings);
            await Bounded.Until(() => Task.FromResult(Count() > before + 5_000 || Count() == Rows), () => $"{Count()} rows after {kill} kills. {host.Errors}");
            host.Kill();
            await host.WaitForExit();
            written = Count();
        }

        // Every kill landed while rows were still to be written.
        Assert.True(written < Rows, $"all {Rows} rows were written before the tenth kill");

        using (var last = CrashHost.Start("SqliteArchive", harness.Kafka.BootstrapServers, _ => { }, settings))
        {
            await Bounded.Until(() => Task.FromResult(Count() == Rows), () => $"{Count()} rows after the last start. {last.Errors}");
            last.Kill();
            await last.WaitForExit();
        }

        var expected = Enumerable.Range(0, Rows).GroupBy(i => "sensor-" + (i % Sensors)).Select(g => (g.Key, (long)g.Count(), g.Sum(i => (double)i))).OrderBy(g => g.Key);
        Assert.Equal(expected, Query(r => (r.GetString(0), r.GetInt64(1), r.GetDouble(2)), "SELECT Sensor, count(DISTINCT Value), sum(Value) FROM readings GROUP BY Sensor ORDER BY Sensor"));
        Assert.Equal((long)Rows, Query(r => r.GetInt64(0), "SELECT count(*) FROM readings").Single());
    }

    private long Count()
    {
        try
        {
            return Query(r => r.GetInt64(0), "SELECT count(*) FROM readings").Single();
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }

    private List<TValue> Query<TValue>(Func<SqliteDataReader, TValue> read, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
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
}
