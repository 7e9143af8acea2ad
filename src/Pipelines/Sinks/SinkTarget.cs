namespace Pipelines.Sinks;

/// <summary>Where a declared sink (<see cref="SinkAttribute{T}"/>) writes.</summary>
public enum SinkTarget
{
    /// <summary>A SQLite table (<see cref="SqliteSink{T}"/>), exactly once.</summary>
    Sqlite = 1,

    /// <summary>A PostgreSQL table (<see cref="PostgresSink{T}"/>), exactly once.</summary>
    Postgres,

    /// <summary>Parquet files in a directory (<see cref="ParquetSink{T}"/>), exactly once.</summary>
    Parquet,
}
