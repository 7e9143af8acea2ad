using Microsoft.Data.Sqlite;

namespace Telemetry;

/// <summary>What the InsightArchive sink (Program.cs) has written: read back from its SQLite table when the sample stops.</summary>
internal static class InsightArchive
{
    public static string Describe(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), count(DISTINCT CarId), count(Alert), count(LapCompleted) FROM car_insights";
        SqliteDataReader totals;
        try
        {
            totals = command.ExecuteReader();
        }
        catch (SqliteException)
        {
            return "Archived: nothing yet (the run stopped before the sink wrote its first batch).";
        }

        using var read = totals;
        totals.Read();
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return $"Archived: {file} holds {totals.GetInt64(0):N0} insights of {totals.GetInt64(1)} cars ({totals.GetInt64(2):N0} alerts, {totals.GetInt64(3):N0} laps), " +
            $"every run's; query it with: sqlite3 {file} \"SELECT CarId, count(*), max(AverageSpeed) FROM car_insights GROUP BY CarId\"";
    }
}
