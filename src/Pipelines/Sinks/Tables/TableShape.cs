using System.Text;

namespace Pipelines.Sinks;

/// <summary>The SQL a table sink runs, from the contract's fields: its columns, its key (the tags) and its statements.</summary>
internal sealed class TableShape
{
    public const string PositionsTable = "pipelines_sink_positions";

    public TableShape(MessageSchema schema, TableSinkOptions options, Func<ColumnType, string> typeOf)
    {
        Fields = schema.Fields;
        Table = options.Table;
        var keys = Fields.Where(f => f.Kind == Infrastructure.FieldKind.Tag).Select(f => f.Name).ToList();
        if (options.Write == TableWrite.Upsert && keys.Count == 0)
        {
            throw new InvalidOperationException($"Table sink of {schema.Name} into '{options.Table}' upserts by the contract's tags, and it has none: mark its key [Tag], or write with TableWrite.Insert.");
        }

        var columns = string.Join(", ", Fields.Select(f => Quote(f.Name)));
        var values = string.Join(", ", Fields.Select((_, i) => "$p" + i));
        Insert = $"INSERT INTO {Quote(Table)} ({columns}) VALUES ({values})";
        if (options.Write == TableWrite.Upsert)
        {
            var updates = Fields.Where(f => !keys.Contains(f.Name)).Select(f => $"{Quote(f.Name)} = excluded.{Quote(f.Name)}").ToList();
            Insert += $" ON CONFLICT ({string.Join(", ", keys.Select(Quote))}) " + (updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates));
        }

        var create = new StringBuilder($"CREATE TABLE IF NOT EXISTS {Quote(Table)} (");
        create.Append(string.Join(", ", Fields.Select(f => $"{Quote(f.Name)} {typeOf(f.Column)}{(f.IsNullable ? "" : " NOT NULL")}")));
        if (options.Write == TableWrite.Upsert)
        {
            create.Append($", PRIMARY KEY ({string.Join(", ", keys.Select(Quote))})");
        }

        Create = create.Append(')').ToString();
    }

    public IReadOnlyList<Infrastructure.FieldSchema> Fields { get; }

    public string Table { get; }

    public string Create { get; }

    public string Insert { get; }

    // A position is of one topic: its identity (cluster and topic id) is kept beside it, and one of another is no position.
    public static string CreatePositions(string integer) =>
        $"CREATE TABLE IF NOT EXISTS {PositionsTable} (table_name TEXT NOT NULL, topic TEXT NOT NULL, partition_number {integer} NOT NULL, next_offset {integer} NOT NULL, topic_identity TEXT, PRIMARY KEY (table_name, topic, partition_number))";

    public const string ReadPositions = $"SELECT partition_number, next_offset FROM {PositionsTable} WHERE table_name = $table AND topic = $topic AND topic_identity IS $identity";

    // A first position: stored where there is none, or where the one there is of another topic; not over one of this topic.
    public const string InsertPosition = $"INSERT INTO {PositionsTable} AS p (table_name, topic, partition_number, next_offset, topic_identity) VALUES ($table, $topic, $partition, $to, $identity) " +
        "ON CONFLICT (table_name, topic, partition_number) DO UPDATE SET next_offset = excluded.next_offset, topic_identity = excluded.topic_identity WHERE p.topic_identity IS NOT excluded.topic_identity";

    // Only from where this instance believes it stands: another instance's write since makes it touch no row.
    public const string MovePosition = $"UPDATE {PositionsTable} SET next_offset = $to WHERE table_name = $table AND topic = $topic AND partition_number = $partition AND next_offset = $from AND topic_identity IS $identity";

    /// <summary>An identifier in double quotes, as SQL (SQLite and PostgreSQL alike) takes any name.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
