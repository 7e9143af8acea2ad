using System.Globalization;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;

namespace Pipelines.Sinks;

/// <summary>
/// Writes a contract's rows to a SQLite table, exactly once: each batch's rows and the positions of the partitions they
/// came from (<c>pipelines_sink_positions</c>) in one transaction, which a crash either made durable or left out
/// whole; reading starts from those positions. The embedded default: a file, nothing to install. The database runs in
/// WAL mode with full sync, so readers query it while it is written. Types: README, "Sinks".
/// </summary>
/// <typeparam name="T">The rows' contract.</typeparam>
public sealed class SqliteSink<T> : ISink<T>, IDisposable
    where T : IMessageContract<T>
{
    private const int ConstraintViolation = 19;
    private const int LockWaitSeconds = 5;

    private readonly TableSinkOptions options;
    private readonly TableShape shape;
    private SqliteConnection? connection;

    /// <summary>A sink into <paramref name="options"/>' table; the database is opened on first use.</summary>
    /// <exception cref="InvalidOperationException">Upsert is asked of a contract without tags.</exception>
    public SqliteSink(TableSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        shape = new TableShape(T.Serializer.Schema, options, Dialect);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken) =>
        TablePositions.ReadAsync(Open(), shape, partitions, topicIdentity, cancellationToken);

    /// <inheritdoc/>
    public async Task WriteAsync(SinkBatch<T> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var database = Open();
        using var transaction = database.BeginTransaction(deferred: false);
        using (var insert = database.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = shape.Insert;
            var values = new SqliteColumns(shape.Fields.Select((_, i) => insert.Parameters.Add("$p" + i, SqliteType.Text)).ToArray());
            insert.Prepare();
            for (var row = 0; row < batch.Rows.Count; row++)
            {
                values.Start();
                T.Serializer.WriteColumns(values, batch.Rows[row]);
                try
                {
                    insert.ExecuteNonQuery();
                }
                catch (SqliteException refused) when (refused.SqliteErrorCode == ConstraintViolation)
                {
                    throw new SinkRowException(row, $"SQLite refused the row into '{shape.Table}': {refused.Message}", refused);
                }
            }
        }

        await TablePositions.MoveAsync(database, transaction, shape, batch.Positions, batch.TopicIdentity, cancellationToken);
        transaction.Commit();
    }

    /// <summary>The database file's name and the table, for logs.</summary>
    public override string ToString() => $"SQLite table '{shape.Table}' ({new SqliteConnectionStringBuilder(options.ConnectionString).DataSource})";

    /// <inheritdoc/>
    public void Dispose() => connection?.Dispose();

    private SqliteConnection Open()
    {
        if (connection is not null)
        {
            return connection;
        }

        var opened = new SqliteConnection(options.ConnectionString);
        try
        {
            opened.Open();

            // A write that finds the database locked waits this long, then fails and is tried again by the runner.
            opened.DefaultTimeout = LockWaitSeconds;
            Execute(opened, "PRAGMA journal_mode = WAL");
            Execute(opened, "PRAGMA synchronous = FULL");
            Execute(opened, shape.CreatePositions);
            if (options.CreateTable)
            {
                Execute(opened, shape.Create);
            }
        }
        catch
        {
            // Not half set up: the next call starts over.
            opened.Dispose();
            throw;
        }

        return connection = opened;
    }

    private static void Execute(SqliteConnection database, string sql)
    {
        using var command = database.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static readonly SqlDialect Dialect = new("$", "IS", "IS NOT", "INTEGER", column => column switch
    {
        ColumnType.Boolean or ColumnType.Integer => "INTEGER",
        ColumnType.Real => "REAL",
        ColumnType.Bytes => "BLOB",
        _ => "TEXT",
    });

    /// <summary>A row's values into the insert's parameters, in the schema's order, as SQLite keeps each column type.</summary>
    private sealed class SqliteColumns(SqliteParameter[] parameters) : IColumnWriter
    {
        private int next;

        public void Start() => next = 0;

        public void WriteNull() => Set(DBNull.Value);

        public void WriteBoolean(bool value) => Set(value ? 1L : 0L);

        public void WriteInteger(long value) => Set(value);

        public void WriteReal(double value) => Set(value);

        // Exact, as text: SQLite's NUMERIC would round past 15 digits.
        public void WriteDecimal(decimal value) => Set(value.ToString(CultureInfo.InvariantCulture));

        public void WriteText(string value) => Set(value);

        // ISO-8601 in UTC, one width for every value: sorts as time, and SQLite's date functions read it.
        public void WriteTime(DateTimeOffset value) => Set(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

        public void WriteDuration(TimeSpan value) => Set(value.ToString("c", CultureInfo.InvariantCulture));

        public void WriteUuid(Guid value) => Set(value.ToString("D"));

        public void WriteBytes(ReadOnlyMemory<byte> value) => Set(value.ToArray());

        public void WriteJson(string json) => Set(json);

        private void Set(object value)
        {
            var parameter = parameters[next++];
            parameter.SqliteType = value switch
            {
                long => SqliteType.Integer,
                double => SqliteType.Real,
                byte[] => SqliteType.Blob,
                _ => SqliteType.Text,
            };
            parameter.Value = value;
        }
    }
}
