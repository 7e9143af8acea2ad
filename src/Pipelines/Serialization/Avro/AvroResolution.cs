using Avro;

namespace Pipelines.Infrastructure;

/// <summary>
/// Says why data written with one Avro schema cannot be read with another, field by field, by the resolution rules of
/// the Avro specification ("Schema Resolution"): records match by name and their fields by name or alias, a reader's
/// field missing from the writer needs a default, numbers promote int → long → float → double, string and bytes read
/// each other, a writer's enum symbol needs a place in the reader's symbols (or the reader's default), a writer's union
/// every branch readable, a reader's union one branch that reads the writer. Apache's <see cref="Schema.CanRead"/>
/// answers yes or no; a processor that stops on an incompatible schema, and a registry that refuses one, say which
/// field and which rule.
/// </summary>
internal static class AvroResolution
{
    /// <summary>Why <paramref name="reader"/> cannot read data written with <paramref name="writer"/>; empty when it can.</summary>
    public static List<string> Problems(Schema reader, Schema writer)
    {
        var problems = new List<string>();
        Check(reader, writer, "", problems, []);
        return problems;
    }

    private static void Check(Schema reader, Schema writer, string path, List<string> problems, HashSet<(string, string)> visiting)
    {
        reader = Base(reader);
        writer = Base(writer);
        if (writer is UnionSchema writerUnion)
        {
            foreach (var branch in writerUnion.Schemas)
            {
                Check(reader, branch, path, problems, visiting);
            }

            return;
        }

        if (reader is UnionSchema readerUnion)
        {
            if (!readerUnion.Schemas.Any(branch => Readable(Base(branch), writer, visiting)))
            {
                problems.Add($"{Where(path)}the writer's {Describe(writer)} matches none of the reader's union ({string.Join(", ", readerUnion.Schemas.Select(Describe))})");
            }

            return;
        }

        switch (reader, writer)
        {
            case (RecordSchema readerRecord, RecordSchema writerRecord):
                if (readerRecord.Name != writerRecord.Name)
                {
                    problems.Add($"{Where(path)}the writer's record '{writerRecord.Name}' is not the reader's record '{readerRecord.Name}' (records match by name)");
                    return;
                }

                // A recursive record (a tree) is checked once per pair of schemas.
                if (!visiting.Add((readerRecord.Fullname, writerRecord.Fullname)))
                {
                    return;
                }

                foreach (var field in readerRecord.Fields)
                {
                    var written = WriterField(writerRecord, field);
                    var fieldPath = path.Length == 0 ? field.Name : path + "." + field.Name;
                    if (written is null)
                    {
                        if (field.DefaultValue is null)
                        {
                            problems.Add($"field '{fieldPath}' is not in the writer's schema and has no default in the reader's (a reader's new field needs a default)");
                        }

                        continue;
                    }

                    Check(field.Schema, written.Schema, fieldPath, problems, visiting);
                }

                visiting.Remove((readerRecord.Fullname, writerRecord.Fullname));
                return;
            case (EnumSchema readerEnum, EnumSchema writerEnum):
                if (readerEnum.Name != writerEnum.Name)
                {
                    problems.Add($"{Where(path)}the writer's enum '{writerEnum.Name}' is not the reader's enum '{readerEnum.Name}' (enums match by name)");
                    return;
                }

                var missing = writerEnum.Symbols.Where(symbol => !readerEnum.Symbols.Contains(symbol)).ToList();
                if (missing.Count > 0 && readerEnum.Default is null)
                {
                    problems.Add($"{Where(path)}the writer's symbol(s) {string.Join(", ", missing.Select(s => $"'{s}'"))} of enum '{writerEnum.Name}' are not among the reader's symbols, and the reader's enum has no default");
                }

                return;
            case (FixedSchema readerFixed, FixedSchema writerFixed):
                if (readerFixed.Name != writerFixed.Name || readerFixed.Size != writerFixed.Size)
                {
                    problems.Add($"{Where(path)}the writer's fixed '{writerFixed.Name}' ({writerFixed.Size} bytes) is not the reader's fixed '{readerFixed.Name}' ({readerFixed.Size} bytes)");
                }

                return;
            case (ArraySchema readerArray, ArraySchema writerArray):
                Check(readerArray.ItemSchema, writerArray.ItemSchema, path + "[]", problems, visiting);
                return;
            case (MapSchema readerMap, MapSchema writerMap):
                Check(readerMap.ValueSchema, writerMap.ValueSchema, path + "{}", problems, visiting);
                return;
        }

        if (!Promotes(writer.Tag, reader.Tag))
        {
            problems.Add($"{Where(path)}the writer's {Describe(writer)} cannot be read as the reader's {Describe(reader)} (Avro promotes int to long, float and double, long to float and double, float to double, and string and bytes into each other; nothing else)");
        }
    }

    private static bool Readable(Schema reader, Schema writer, HashSet<(string, string)> visiting)
    {
        var problems = new List<string>();
        Check(reader, writer, "", problems, [.. visiting]);
        return problems.Count == 0;
    }

    private static Field? WriterField(RecordSchema writer, Field field)
    {
        if (writer.TryGetField(field.Name, out var written))
        {
            return written;
        }

        // A reader's field renamed since the data was written names its old name among its aliases.
        return field.Aliases?.Select(alias => writer.TryGetField(alias, out var aliased) ? aliased : null).FirstOrDefault(f => f is not null);
    }

    private static bool Promotes(Schema.Type writer, Schema.Type reader) => writer == reader || (writer, reader) switch
    {
        (Schema.Type.Int, Schema.Type.Long or Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Long, Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Float, Schema.Type.Double) => true,
        (Schema.Type.String, Schema.Type.Bytes) or (Schema.Type.Bytes, Schema.Type.String) => true,
        _ => false,
    };

    // A logical type is resolved as the type under it (the specification's rule).
    private static Schema Base(Schema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    private static string Where(string path) => path.Length == 0 ? "" : $"field '{path}': ";

    private static string Describe(Schema schema) => Base(schema) switch
    {
        NamedSchema named => $"{named.Tag.ToString().ToLowerInvariant()} '{named.Name}'",
        var other => other.Tag.ToString().ToLowerInvariant(),
    };
}
