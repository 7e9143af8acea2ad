using System.Text.Json;
using Pipelines.Infrastructure;
using Pipelines.Sinks;
using Sylvan.Data.Csv;

namespace Pipelines.Sources;

/// <summary>
/// A CSV file's rows (RFC 4180; a header row of wire names, the delimiter detected from it). Each value is text;
/// its field's column type says which JSON value it becomes, and the contract's JSON form reads it.
/// </summary>
internal sealed class CsvRowFile : RowFile
{
    private readonly FileStream stream;
    private readonly CsvDataReader csv;
    private readonly (int Ordinal, FieldSchema Field, JsonEncodedText Name)[] columns;

    private CsvRowFile(string path, FileStream stream, CsvDataReader csv, (int, FieldSchema, JsonEncodedText)[] columns)
        : base(path)
    {
        this.stream = stream;
        this.csv = csv;
        this.columns = columns;
    }

    // The reader reads ahead by its buffer, so this runs a little ahead of the rows handed out.
    public override double Fraction => stream.Length == 0 ? 1 : Math.Min(1, (double)stream.Position / stream.Length);

    public static async Task<CsvRowFile> CreateAsync(string path, MessageSchema schema, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        try
        {
            var csv = await CsvDataReader.CreateAsync(new StreamReader(stream), new CsvDataReaderOptions { HasHeaders = true, OwnsReader = true }, cancellationToken);
            var headers = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToList();
            var columns = headers
                .Select((name, ordinal) => (Ordinal: ordinal, Field: schema.Find(name)))
                .Where(c => c.Field is not null)
                .Select(c => (c.Ordinal, c.Field!, JsonEncodedText.Encode(c.Field!.Name)))
                .ToArray();
            if (columns.Length == 0)
            {
                await csv.DisposeAsync();
                throw NoFields(path, schema, headers);
            }

            return new CsvRowFile(path, stream, csv, columns);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask<bool> NextAsync(Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        if (!await csv.ReadAsync(cancellationToken))
        {
            return false;
        }

        Row++;
        json.WriteStartObject();
        foreach (var (ordinal, field, name) in columns)
        {
            json.WritePropertyName(name);
            Write(json, ordinal < csv.RowFieldCount ? csv.GetString(ordinal) : string.Empty, field);
        }

        json.WriteEndObject();
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        await csv.DisposeAsync();
        await stream.DisposeAsync();
    }

    /// <summary>
    /// An empty value is null, but a text that may not be null is empty text. Numbers go as JSON strings, which the JSON
    /// form reads as numbers (and refuses, naming the field, when they are not); a time that is only digits is a number
    /// (nanoseconds for a <c>long</c> timestamp, milliseconds for a <see cref="DateTime"/>), else ISO-8601 text.
    /// </summary>
    private void Write(Utf8JsonWriter json, string text, FieldSchema field)
    {
        if (text.Length == 0)
        {
            if (field.Column == ColumnType.Text && !field.IsNullable)
            {
                json.WriteStringValue(string.Empty);
            }
            else
            {
                json.WriteNullValue();
            }

            return;
        }

        switch (field.Column)
        {
            case ColumnType.Boolean:
                json.WriteBooleanValue(text.Trim().ToLowerInvariant() switch
                {
                    "true" or "1" => true,
                    "false" or "0" => false,
                    _ => throw new ReplayRowException(Location, $"field '{field.Name}' is '{text}', which is not a boolean (true, false, 1 or 0)"),
                });
                break;
            case ColumnType.Time when long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number):
                json.WriteNumberValue(number);
                break;
            case ColumnType.Json:
                JsonCells.WriteDocument(json, text, field.Name, this);
                break;
            default:
                json.WriteStringValue(text);
                break;
        }
    }
}
