using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Npgsql;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Sinks;

/// <summary>
/// A sink in a real host process, killed with SIGKILL ten times while it writes 200,000 rows: the table (or the files)
/// ends with every row exactly once, each sensor's count and sum equal to the input's: SQLite here, Parquet in
/// <see cref="ParquetSinkCrashTests"/>, PostgreSQL in <see cref="PostgresSinkCrashTests"/>.
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
        SinkCrash.KillTenTimesWhileWriting("SqliteArchive", file, SinkCrash.Sql(sql =>
        {
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return SinkCrash.Read(command.ExecuteReader());
        }));
}

/// <inheritdoc cref="SinkCrashTests"/>
public sealed class ParquetSinkCrashTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"pipelines-sink-crash-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Small files: writing them all takes many times as long as a kill does.
    [Fact]
    public Task A_Parquet_sink_killed_ten_times_while_it_writes_leaves_every_row_in_its_files_exactly_once() =>
        SinkCrash.KillTenTimesWhileWriting("ParquetArchive", directory, new ParquetFiles(directory), batchRows: 200);
}

/// <inheritdoc cref="SinkCrashTests"/>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSinkCrashTests(PostgresFixture postgres)
{
    [Fact]
    public Task A_PostgreSQL_sink_killed_ten_times_while_it_writes_leaves_every_row_in_the_table_exactly_once()
    {
        var database = postgres.NewDatabase();
        return SinkCrash.KillTenTimesWhileWriting("PostgresArchive", database, SinkCrash.Sql(sql =>
        {
            using var connection = new NpgsqlConnection(database);
            connection.Open();
            using var command = new NpgsqlCommand(sql.Replace("Sensor", "\"Sensor\"").Replace("Value", "\"Value\""), connection);
            return SinkCrash.Read(command.ExecuteReader());
        }));
    }
}

/// <summary>What a sink wrote, as the crash test counts and checks it.</summary>
internal interface IWritten
{
    /// <summary>How many rows were written; 0 before anything was.</summary>
    long Count();

    /// <summary>A measure of progress cheap enough to ask every few milliseconds (rows, or files): it grows with each batch written.</summary>
    long Progress() => Count();

    /// <summary>Per sensor: how many distinct values, and their sum.</summary>
    List<(string Sensor, long Values, double Sum)> BySensor();
}

/// <summary>Every row in a sink's Parquet files, each file read whole.</summary>
internal sealed class ParquetFiles(string directory) : IWritten
{
    // A file per batch: counting them reads no file.
    public long Progress() => Directory.Exists(directory) ? Directory.GetFiles(directory, "*.parquet").Length : 0;

    public long Count() => Directory.Exists(directory)
        ? Directory.GetFiles(directory, "*.parquet").Sum(file => Open(file, reader => reader.RowGroups.Sum(g => g.RowCount)))
        : 0;

    public List<(string Sensor, long Values, double Sum)> BySensor()
    {
        var rows = new List<(string Sensor, double Value)>();
        foreach (var file in Directory.GetFiles(directory, "*.parquet"))
        {
            rows.AddRange(Open(file, reader =>
            {
                var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name);
                var read = new List<(string, double)>();
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    var sensors = new string?[group.RowCount];
                    var values = new double?[group.RowCount];
                    group.ReadAsync(fields["Sensor"], sensors.AsMemory()!).GetAwaiter().GetResult();
                    group.ReadAsync<double>(fields["Value"], values.AsMemory()).GetAwaiter().GetResult();
                    read.AddRange(sensors.Zip(values, (s, v) => (s!, v!.Value)));
                }

                return read;
            }));
        }

        return rows.GroupBy(r => r.Sensor).Select(g => (g.Key, (long)g.Select(r => r.Value).Distinct().Count(), g.Sum(r => r.Value))).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
    }

    private static TResult Open<TResult>(string file, Func<Parquet.ParquetReader, TResult> read)
    {
        var reader = Parquet.ParquetReader.CreateAsync(file).GetAwaiter().GetResult();
        try
        {
            return read(reader);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
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
    /// <param name="written">Reads what the sink wrote.</param>
    /// <param name="batchRows">The rows of a batch: small enough that writing them all takes many times as long as a kill.</param>
    public static async Task KillTenTimesWhileWriting(string processor, string database, IWritten written, int batchRows = 2000)
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

        long Count() => written.Count();

        // Small batches, so that a kill lands between batches and inside them.
        string[] settings = ["--Crash:Database=" + database, $"--Pipelines:Processors:{processor}:InputBuffer:MaxRows={batchRows}"];
        var done = 0L;
        var afterEachKill = new List<long>();
        for (var kill = 0; kill < 10; kill++)
        {
            // Killed once this start has written a batch: wherever the next one stands then.
            var before = written.Progress();
            using var host = CrashHost.Start(processor, harness.Kafka.BootstrapServers, _ => { }, settings);
            // Only the cheap progress every look: counting the rows (every Parquet file read) takes long enough, on a
            // loaded machine, for a life to write everything before the kill. Whether all are written is asked once a second.
            var counted = System.Diagnostics.Stopwatch.StartNew();
            bool AllWritten()
            {
                if (counted.Elapsed < TimeSpan.FromSeconds(1))
                {
                    return false;
                }

                counted.Restart();
                return Count() == Rows;
            }

            Assert.True(await KillWhen(host, () => written.Progress() > before || AllWritten()), $"No progress within {Bounded.Patience.TotalSeconds:0} s: {Count()} rows after {kill} kills. {host.Errors}");
            await host.WaitForExit();
            done = Count();
            afterEachKill.Add(done);
        }

        // Every kill landed while rows were still to be written.
        Assert.True(done < Rows, $"all {Rows} rows were written before the tenth kill: {string.Join(", ", afterEachKill)} after each");

        using (var last = CrashHost.Start(processor, harness.Kafka.BootstrapServers, _ => { }, settings))
        {
            await Bounded.Until(() => Task.FromResult(Count() == Rows), () => $"{Count()} rows after the last start. {last.Errors}");
            last.Kill();
            await last.WaitForExit();
        }

        var expected = Enumerable.Range(0, Rows).GroupBy(i => "sensor-" + (i % Sensors)).Select(g => ((string)g.Key, (long)g.Count(), g.Sum(i => (double)i))).OrderBy(g => g.Item1);
        Assert.Equal(expected, written.BySensor());
        Assert.Equal((long)Rows, Count());
    }

    /// <summary>
    /// Kills <paramref name="host"/> as soon as <paramref name="condition"/> holds, looked at every few milliseconds from
    /// a thread of its own: the test process's thread pool, busy on a loaded machine, once let a life write 188,000 rows
    /// between two looks. False if it did not hold within <see cref="Bounded.Patience"/>.
    /// </summary>
    private static Task<bool> KillWhen(ChildProcess host, Func<bool> condition)
    {
        var killed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new Thread(() =>
        {
            try
            {
                var deadline = DateTime.UtcNow + Bounded.Patience;
                while (!condition())
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        killed.SetResult(false);
                        return;
                    }

                    Thread.Sleep(5); // between two looks, not instead of one
                }

                host.Kill();
                killed.SetResult(true);
            }
            catch (Exception failed)
            {
                killed.SetException(failed);
            }
        })
        { IsBackground = true, Name = "Sink crash test: kill on progress" };
        watcher.Start();
        return killed.Task;
    }

    /// <summary>What a table sink wrote, through <paramref name="query"/> (a query on the table, its columns unquoted; its rows as objects).</summary>
    public static IWritten Sql(Func<string, List<object[]>> query) => new SqlTable(query);

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

/// <summary>What a table sink wrote, counted and grouped by SQL.</summary>
internal sealed class SqlTable(Func<string, List<object[]>> query) : IWritten
{
    public long Count()
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

    public List<(string Sensor, long Values, double Sum)> BySensor() =>
        query("SELECT Sensor, count(DISTINCT Value), sum(Value) FROM readings GROUP BY Sensor ORDER BY Sensor")
            .Select(r => ((string)r[0], Convert.ToInt64(r[1]), Convert.ToDouble(r[2])))
            .ToList();
}
