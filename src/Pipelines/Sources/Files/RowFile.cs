using System.Text.Json;
using Pipelines.Infrastructure;

namespace Pipelines.Sources;

/// <summary>
/// A file of recorded rows, read one row at a time as the JSON object the contract's JSON form reads (wire name to
/// value): whatever the file's format, the contract's one JSON mapping decides what a value may be, and names the
/// field when it is not.
/// </summary>
internal abstract class RowFile : IAsyncDisposable
{
    /// <summary>The file formats a replay reads, by extension.</summary>
    public static readonly string[] Extensions = [".parquet", ".csv"];

    protected RowFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Rows read so far, the current one included.</summary>
    public long Row { get; protected set; }

    /// <summary>Where the current row is, for errors: the file's name and the row's number (1 for the first row after any header).</summary>
    public string Location => $"{System.IO.Path.GetFileName(Path)}, row {Row}";

    /// <summary>How much of the file has been read, from 0 to 1.</summary>
    public abstract double Fraction { get; }

    public static async Task<RowFile> OpenAsync(string path, MessageSchema schema, CancellationToken cancellationToken) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".parquet" => await ParquetRowFile.CreateAsync(path, schema, cancellationToken),
            ".csv" => await CsvRowFile.CreateAsync(path, schema, cancellationToken),
            _ => throw new NotSupportedException($"{path}: a replay reads Parquet (.parquet) and CSV (.csv) files."),
        };

    /// <summary>Writes the next row as one JSON object; <see langword="false"/> after the last.</summary>
    /// <exception cref="ReplayRowException">A value of the row cannot be one of its field's.</exception>
    public abstract ValueTask<bool> NextAsync(Utf8JsonWriter json, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Why a file holds nothing to replay as <paramref name="schema"/>'s rows.</summary>
    protected static InvalidDataException NoFields(string path, MessageSchema schema, IEnumerable<string> columns) =>
        new($"{path} has no column named as a field of {schema.Name} ({string.Join(", ", schema.Fields.Select(f => f.Name))}); its columns are {string.Join(", ", columns)}. Columns are matched to fields by wire name, exactly.");
}
