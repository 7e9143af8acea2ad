namespace Pipelines.Sinks;

/// <summary>How a table sink writes a contract's rows to a database table: a column per member, under its wire name.</summary>
public sealed record TableSinkOptions
{
    /// <summary>The database's connection string (SQLite: <c>Data Source=insights.db</c>).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The table written.</summary>
    public required string Table { get; init; }

    /// <summary>Whether each row is a new one (<see cref="TableWrite.Insert"/>, the default) or replaces the row of its key (<see cref="TableWrite.Upsert"/>).</summary>
    public TableWrite Write { get; init; }

    /// <summary>
    /// Create the table from the contract when it does not exist (on by default): its columns' types are the README's
    /// mapping ("Sinks"), NOT NULL unless the member may be null, the tags the primary key for <see cref="TableWrite.Upsert"/>.
    /// The positions table, <c>pipelines_sink_positions</c>, is created either way.
    /// </summary>
    public bool CreateTable { get; init; } = true;
}

/// <summary>How a table sink writes rows.</summary>
public enum TableWrite
{
    /// <summary>Every row is a new one: a log of what was read.</summary>
    Insert,

    /// <summary>A row replaces the one with the same tags (the stream key), the table's primary key: the latest per key.</summary>
    Upsert,
}
