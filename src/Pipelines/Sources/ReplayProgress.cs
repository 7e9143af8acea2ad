namespace Pipelines.Sources;

/// <summary>How far a replay is: reported as it goes (a few times a second) and once at the end.</summary>
/// <param name="Rows">Rows written.</param>
/// <param name="Skipped">Rows skipped as unreadable (<see cref="ReplayBadRow.Skip"/>).</param>
/// <param name="Fraction">How much of the input has been read, from 0 to 1 (of the rows, or of a CSV file's bytes).</param>
/// <param name="Elapsed">Time since the replay started.</param>
/// <param name="DataTime">The timestamp of the last row written, as recorded; <see langword="null"/> for a contract without one.</param>
/// <param name="Completed">Whether this is the last report: every row is written.</param>
public readonly record struct ReplayProgress(long Rows, long Skipped, double Fraction, TimeSpan Elapsed, DateTimeOffset? DataTime, bool Completed)
{
    /// <summary>Rows written per second so far.</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Rows / Elapsed.TotalSeconds : 0;
}
