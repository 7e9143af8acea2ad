using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Pipelines.Sinks;

namespace Telemetry;

/// <summary>What the <see cref="InsightArchive"/> sink has written: read back from its table when the sample stops.</summary>
internal static class ArchiveReport
{
    private const string Totals = "SELECT count(*), count(DISTINCT \"CarId\"), count(\"Alert\"), count(\"LapCompleted\") FROM car_insights";

    /// <summary>What the table holds, wherever configuration moved it.</summary>
    public static string Describe(IConfiguration configuration)
    {
        var connectionString = configuration["Pipelines:Sinks:InsightArchive:ConnectionString"] ?? InsightArchive.PipelinesSink.ConnectionString!;
        return string.Equals(configuration["Pipelines:Sinks:InsightArchive:Target"], nameof(SinkTarget.Postgres), StringComparison.OrdinalIgnoreCase)
            ? DescribePostgres(connectionString)
            : DescribeSqlite(connectionString);
    }

    private static string DescribeSqlite(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return Describe(connection, file, $"sqlite3 {file}");
    }

    private static string DescribePostgres(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        return Describe(connection, $"{database.Host}/{database.Database}", $"psql -h {database.Host} -d {database.Database} -c");
    }

    private static string Describe(DbConnection connection, string where, string client)
    {
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Totals;
        DbDataReader totals;
        try
        {
            totals = command.ExecuteReader();
        }
        catch (DbException)
        {
            return "Archived: nothing yet (the run stopped before the sink wrote its first batch).";
        }

        using var read = totals;
        totals.Read();
        return $"Archived: {where} holds {totals.GetInt64(0):N0} insights of {totals.GetInt64(1)} cars ({totals.GetInt64(2):N0} alerts, {totals.GetInt64(3):N0} laps), " +
            $"every run's; query it with: {client} \"SELECT \\\"CarId\\\", count(*), max(\\\"AverageSpeed\\\") FROM car_insights GROUP BY \\\"CarId\\\"\"";
    }
}
