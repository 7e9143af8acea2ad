using System.Text;

namespace Pipelines.Sinks;

/// <summary>
/// The SQL a table sink runs, from the contract's fields (its columns, its key: the tags) in a database's dialect:
/// the rows' table and the positions table beside it.
/// </summary>
internal sealed class TableShape
{
    public const string PositionsTable = "pipelines_sink_positions";

    public TableShape(MessageSchema schema, TableSinkOptions options, SqlDialect dialect)
    {
        Fields = schema.Fields;
        Table = options.Table;
        Keys = Fields.Where(f => f.Kind == Infrastructure.FieldKind.Tag).Select(f => f.Name).ToList();
        if (options.Write == TableWrite.Upsert && Keys.Count == 0)
        {
            throw new InvalidOperationException($"Table sink of {schema.Name} into '{options.Table}' upserts by the contract's tags, and it has none: mark its key [Tag], or write with TableWrite.Insert.");
        }

        var p = dialect.Parameter;
        Columns = string.Join(", ", Fields.Select(f => Quote(f.Name)));
        Insert = $"INSERT INTO {Quote(Table)} ({Columns}) VALUES ({string.Join(", ", Fields.Select((_, i) => p + "p" + i))})";
        if (options.Write == TableWrite.Upsert)
        {
            Insert += UpsertClause();
        }

        var create = new StringBuilder($"CREATE TABLE IF NOT EXISTS {Quote(Table)} (");
        create.Append(string.Join(", ", Fields.Select(f => $"{Quote(f.Name)} {dialect.TypeOf(f.Column)}{(f.IsNullable ? "" : " NOT NULL")}")));
        if (options.Write == TableWrite.Upsert)
        {
            create.Append($", PRIMARY KEY ({string.Join(", ", Keys.Select(Quote))})");
        }

        Create = create.Append(')').ToString();

        // A position is of one topic: its identity (cluster and topic id) is kept beside it, and one of another is no position.
        CreatePositions = $"CREATE TABLE IF NOT EXISTS {PositionsTable} (table_name TEXT NOT NULL, topic TEXT NOT NULL, partition_number {dialect.Integer} NOT NULL, next_offset {dialect.Integer} NOT NULL, topic_identity TEXT, PRIMARY KEY (table_name, topic, partition_number))";
        ReadPositions = $"SELECT partition_number, next_offset FROM {PositionsTable} WHERE table_name = {p}table AND topic = {p}topic AND topic_identity {dialect.Same} {p}identity";

        // A first position: stored where there is none, or where the one there is of another topic; not over one of this topic.
        InsertPosition = $"INSERT INTO {PositionsTable} AS p (table_name, topic, partition_number, next_offset, topic_identity) VALUES ({p}table, {p}topic, {p}partition, {p}to, {p}identity) " +
            $"ON CONFLICT (table_name, topic, partition_number) DO UPDATE SET next_offset = excluded.next_offset, topic_identity = excluded.topic_identity WHERE p.topic_identity {dialect.Other} excluded.topic_identity";

        // Only from where this instance believes it stands: another instance's write since makes it touch no row.
        MovePosition = $"UPDATE {PositionsTable} SET next_offset = {p}to WHERE table_name = {p}table AND topic = {p}topic AND partition_number = {p}partition AND next_offset = {p}from AND topic_identity {dialect.Same} {p}identity";
    }

    public IReadOnlyList<Infrastructure.FieldSchema> Fields { get; }

    public string Table { get; }

    /// <summary>The tags' column names: an upsert's key.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Every column, quoted, in the schema's order.</summary>
    public string Columns { get; }

    public string Create { get; }

    public string Insert { get; }

    public string CreatePositions { get; }

    public string ReadPositions { get; }

    public string InsertPosition { get; }

    public string MovePosition { get; }

    /// <summary>What turns an insert into an upsert by the key: the key's row replaced by the new one's other columns.</summary>
    public string UpsertClause()
    {
        var updates = Fields.Where(f => !Keys.Contains(f.Name)).Select(f => $"{Quote(f.Name)} = excluded.{Quote(f.Name)}").ToList();
        return $" ON CONFLICT ({string.Join(", ", Keys.Select(Quote))}) " + (updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates));
    }

    /// <summary>An identifier in double quotes, as SQL (SQLite and PostgreSQL alike) takes any name.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>Where SQLite's and PostgreSQL's SQL differ for a table sink.</summary>
/// <param name="Parameter">What a named parameter starts with.</param>
/// <param name="Same">Equality that holds for two nulls.</param>
/// <param name="Other">Its negation.</param>
/// <param name="Integer">The 64-bit integer type.</param>
/// <param name="TypeOf">A column type's SQL type.</param>
internal sealed record SqlDialect(string Parameter, string Same, string Other, string Integer, Func<ColumnType, string> TypeOf);
