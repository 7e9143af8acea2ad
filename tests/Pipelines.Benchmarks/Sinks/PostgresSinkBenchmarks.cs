using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Npgsql;
using NpgsqlTypes;
using Pipelines.Sinks;
using Pipelines.Testing;

namespace Pipelines.Benchmarks.Sinks;

/// <summary>
/// The PostgreSQL sink's write path against the loop a team writes by hand with Npgsql: per batch of 5,000 rows a
/// transaction with a binary COPY of the rows, field by field, and an UPDATE of the partition's position. Same rows, same
/// batches, same server (a throwaway cluster on loopback), in one run; each operation is one row. Both tables are
/// emptied before each iteration.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class PostgresSinkBenchmarks
{
    private const int Rows = 100_000;
    private const int BatchRows = 5_000;

    private PostgresServer server = null!;
    private NpgsqlDataSource source = null!;
    private PostgresSink<InsightRow> sink = null!;
    private InsightRow[] rows = null!;
    private long position;

    [GlobalSetup]
    public void Setup()
    {
        server = PostgresServer.Start();
        source = NpgsqlDataSource.Create(server.ConnectionString);
        Execute("CREATE TABLE hand_insights (\"Time\" timestamptz NOT NULL, \"CarId\" text NOT NULL, \"Driver\" text, \"AverageSpeed\" double precision NOT NULL, \"PeakBrakeTemp\" double precision NOT NULL, \"Samples\" bigint NOT NULL, \"Alert\" text, \"LapCompleted\" bigint, \"Wing\" bigint)");
        Execute("CREATE TABLE hand_positions (partition_number bigint PRIMARY KEY, next_offset bigint NOT NULL)");
        sink = new PostgresSink<InsightRow>(new TableSinkOptions { ConnectionString = server.ConnectionString, Table = "insights" });
        rows = Enumerable.Range(0, Rows).Select(InsightRow.Sample).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        sink.Dispose();
        source.Dispose();
        NpgsqlConnection.ClearAllPools();
        server.Dispose();
    }

    [IterationSetup]
    public void Empty()
    {
        // The sink's own tables exist after its first write; the positions start over with the rows.
        Execute("TRUNCATE hand_insights, hand_positions");
        Execute("TRUNCATE insights; DELETE FROM pipelines_sink_positions WHERE table_name = 'insights'", ignoreMissing: true);
        Execute("INSERT INTO hand_positions VALUES (0, 0)");
        position = 0;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Npgsql binary COPY loop, by hand")]
    public void HandWritten()
    {
        for (var from = 0; from < Rows; from += BatchRows)
        {
            using var connection = source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            using (var importer = connection.BeginBinaryImport("COPY hand_insights (\"Time\", \"CarId\", \"Driver\", \"AverageSpeed\", \"PeakBrakeTemp\", \"Samples\", \"Alert\", \"LapCompleted\", \"Wing\") FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = from; i < from + BatchRows; i++)
                {
                    var row = rows[i];
                    importer.StartRow();
                    importer.Write(row.Time.UtcDateTime, NpgsqlDbType.TimestampTz);
                    importer.Write(row.CarId, NpgsqlDbType.Text);
                    WriteOrNull(importer, row.Driver, NpgsqlDbType.Text);
                    importer.Write(row.AverageSpeed, NpgsqlDbType.Double);
                    importer.Write(row.PeakBrakeTemp, NpgsqlDbType.Double);
                    importer.Write((long)row.Samples, NpgsqlDbType.Bigint);
                    WriteOrNull(importer, row.Alert, NpgsqlDbType.Text);
                    WriteOrNull(importer, row.LapCompleted is { } lap ? (long?)lap : null, NpgsqlDbType.Bigint);
                    WriteOrNull(importer, row.Wing is { } wing ? (long?)wing : null, NpgsqlDbType.Bigint);
                }

                importer.Complete();
            }

            using (var move = new NpgsqlCommand("UPDATE hand_positions SET next_offset = @to WHERE partition_number = 0 AND next_offset = @from", connection, transaction))
            {
                move.Parameters.AddWithValue("to", (long)from + BatchRows);
                move.Parameters.AddWithValue("from", (long)from);
                if (move.ExecuteNonQuery() != 1)
                {
                    throw new InvalidOperationException("position moved");
                }
            }

            transaction.Commit();
        }
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "Pipelines PostgresSink")]
    public void Sink()
    {
        for (var from = 0; from < Rows; from += BatchRows)
        {
            var batch = new SinkBatch<InsightRow>(new ArraySegment<InsightRow>(rows, from, BatchRows), [new SinkPosition("car-insights", 0, from == 0 ? null : position, from + BatchRows)], "benchmark");
            sink.WriteAsync(batch, default).GetAwaiter().GetResult();
            position = from + BatchRows;
        }
    }

    private static void WriteOrNull<TValue>(NpgsqlBinaryImporter importer, TValue? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    private void Execute(string sql, bool ignoreMissing = false)
    {
        using var connection = source.OpenConnection();
        using var command = new NpgsqlCommand(sql, connection);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (PostgresException missing) when (ignoreMissing && missing.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The sink has not written yet: it makes its tables on first use.
        }
    }
}
