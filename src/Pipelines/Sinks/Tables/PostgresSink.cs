using System.Text.RegularExpressions;
using Confluent.Kafka;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Sinks;

/// <summary>
/// Writes a contract's rows to a PostgreSQL table, exactly once: each batch's rows and the positions of the partitions
/// they came from (<c>pipelines_sink_positions</c>) in one transaction; reading starts from those positions. Rows go in
/// by binary <c>COPY</c>; for <see cref="TableWrite.Upsert"/>, into a temporary table first, then merged by the key (the
/// latest row of a key within the batch wins). Types: README, "Sinks".
/// </summary>
/// <typeparam name="T">The rows' contract.</typeparam>
public sealed partial class PostgresSink<T> : ISink<T>, IDisposable
    where T : IMessageContract<T>
{
    // SQLSTATE class 23: integrity constraint violation (unique, check, not null, foreign key, exclusion).
    private const string ConstraintClass = "23";
    private const string Staging = "pipelines_staging";

    private static readonly SqlDialect Dialect = new("@", "IS NOT DISTINCT FROM", "IS DISTINCT FROM", "bigint", column => column switch
    {
        ColumnType.Boolean => "boolean",
        ColumnType.Integer => "bigint",
        ColumnType.Real => "double precision",
        ColumnType.Decimal => "numeric",
        ColumnType.Time => "timestamptz",
        ColumnType.Duration => "interval",
        ColumnType.Uuid => "uuid",
        ColumnType.Bytes => "bytea",
        ColumnType.Json => "jsonb",
        _ => "text",
    });

    private readonly TableSinkOptions options;
    private readonly TableShape shape;
    private readonly NpgsqlDataSource source;
    private bool created;

    /// <summary>A sink into <paramref name="options"/>' table; the database is reached on first use.</summary>
    /// <exception cref="InvalidOperationException">Upsert is asked of a contract without tags.</exception>
    public PostgresSink(TableSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        shape = new TableShape(T.Serializer.Schema, options, Dialect);
        source = NpgsqlDataSource.Create(options.ConnectionString);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await TablePositions.ReadAsync(connection, shape, partitions, topicIdentity, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task WriteAsync(SinkBatch<T> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            if (options.Write == TableWrite.Upsert)
            {
                await UpsertAsync(connection, batch.Rows, cancellationToken);
            }
            else
            {
                await CopyAsync(connection, shape.Table, batch.Rows, cancellationToken);
            }
        }
        catch (PostgresException refused) when (refused.SqlState.StartsWith(ConstraintClass, StringComparison.Ordinal))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            var row = RowOf(refused) ?? await FindRefusedAsync(connection, batch.Rows, cancellationToken);
            throw new SinkRowException(row, $"PostgreSQL refused the row into '{shape.Table}': {refused.MessageText}{(refused.Detail is { } detail ? " (" + detail + ")" : "")}", refused);
        }

        await TablePositions.MoveAsync(connection, transaction, shape, batch.Positions, batch.TopicIdentity, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The database and the table, for logs.</summary>
    public override string ToString()
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        return $"PostgreSQL table '{shape.Table}' ({builder.Host}:{builder.Port}/{builder.Database})";
    }

    /// <inheritdoc/>
    public void Dispose() => source.Dispose();

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken);
        if (!created)
        {
            try
            {
                await ExecuteAsync(connection, shape.CreatePositions, cancellationToken);
                if (options.CreateTable)
                {
                    await ExecuteAsync(connection, shape.Create, cancellationToken);
                }
            }
            catch (PostgresException raced) when (raced.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
                // Another instance created it at the same moment: CREATE IF NOT EXISTS is not atomic in PostgreSQL.
            }

            created = true;
        }

        return connection;
    }

    /// <summary>Binary COPY of <paramref name="rows"/> into <paramref name="table"/>, in order.</summary>
    private async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {TableShape.Quote(table)} ({shape.Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        var columns = new PostgresColumns(importer);

        // Rows one after another into the import's buffer, which writes itself out when full: a task per row (the async
        // StartRow) cost a tenth of the sink's time, and the runner waits for the batch on a thread of its own anyway.
        foreach (var row in rows)
        {
            importer.StartRow();
            T.Serializer.WriteColumns(columns, row);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>The rows into a staging table, then merged by the key: a key's latest row of the batch replaces the table's.</summary>
    private async Task UpsertAsync(NpgsqlConnection connection, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, $"CREATE TEMP TABLE IF NOT EXISTS {Staging} (LIKE {TableShape.Quote(shape.Table)}, pipelines_row bigserial) ON COMMIT DELETE ROWS", cancellationToken);
        await CopyAsync(connection, Staging, rows, cancellationToken);
        var keys = string.Join(", ", shape.Keys.Select(TableShape.Quote));
        await ExecuteAsync(
            connection,
            $"INSERT INTO {TableShape.Quote(shape.Table)} ({shape.Columns}) SELECT DISTINCT ON ({keys}) {shape.Columns} FROM {Staging} ORDER BY {keys}, pipelines_row DESC{shape.UpsertClause()}",
            cancellationToken);
    }

    /// <summary>The refused row of a COPY, from the error's context (<c>COPY t, line 3</c>: the third row).</summary>
    private static int? RowOf(PostgresException refused) =>
        refused.Where is { } where && CopyLine().Match(where) is { Success: true } line ? int.Parse(line.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1 : null;

    /// <summary>An upsert's refused row, which the merged statement does not name: each row tried alone, nothing kept.</summary>
    private async Task<int> FindRefusedAsync(NpgsqlConnection connection, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        for (var row = 0; row < rows.Count; row++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await UpsertAsync(connection, [rows[row]], cancellationToken);
            }
            catch (PostgresException refused) when (refused.SqlState.StartsWith(ConstraintClass, StringComparison.Ordinal))
            {
                return row;
            }
            finally
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
        }

        return 0;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex(@"^COPY [^,]+, line (\d+)")]
    private static partial Regex CopyLine();

    /// <summary>A row's values into the binary import, typed as the table's columns are.</summary>
    private sealed class PostgresColumns(NpgsqlBinaryImporter importer) : IColumnWriter
    {
        public void WriteNull() => importer.WriteNull();

        public void WriteBoolean(bool value) => importer.Write(value, NpgsqlDbType.Boolean);

        public void WriteInteger(long value) => importer.Write(value, NpgsqlDbType.Bigint);

        public void WriteReal(double value) => importer.Write(value, NpgsqlDbType.Double);

        public void WriteDecimal(decimal value) => importer.Write(value, NpgsqlDbType.Numeric);

        public void WriteText(string value) => importer.Write(value, NpgsqlDbType.Text);

        public void WriteTime(DateTimeOffset value) => importer.Write(value.UtcDateTime, NpgsqlDbType.TimestampTz);

        public void WriteDuration(TimeSpan value) => importer.Write(value, NpgsqlDbType.Interval);

        public void WriteUuid(Guid value) => importer.Write(value, NpgsqlDbType.Uuid);

        public void WriteBytes(ReadOnlyMemory<byte> value) => importer.Write(value.ToArray(), NpgsqlDbType.Bytea);

        public void WriteJson(string json) => importer.Write(json, NpgsqlDbType.Jsonb);
    }
}
