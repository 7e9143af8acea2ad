using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Pipelines.Infrastructure;
using Pipelines.Sinks;

namespace Pipelines.Sources;

/// <summary>
/// A Parquet file's rows (a <see cref="ParquetSink{T}"/>'s, or anyone's with flat columns named as the contract's
/// fields), a row group at a time: each matched column read whole into a typed array, then handed out row by row.
/// </summary>
internal sealed class ParquetRowFile : RowFile
{
    private readonly FileStream stream;
    private readonly ParquetReader reader;
    private readonly Cells[] cells;
    private readonly long rows;
    private int group = -1;
    private int groupRows;
    private int index;

    private ParquetRowFile(string path, FileStream stream, ParquetReader reader, Cells[] cells)
        : base(path)
    {
        this.stream = stream;
        this.reader = reader;
        this.cells = cells;
        rows = reader.RowGroups.Sum(g => g.RowCount);
    }

    public override double Fraction => rows == 0 ? 1 : (double)Row / rows;

    public static async Task<ParquetRowFile> CreateAsync(string path, MessageSchema schema, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        try
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
            var fields = reader.Schema.GetDataFields();
            var cells = fields
                .Where(f => f.Path.ToList().Count == 1 && schema.Find(f.Name) is not null)
                .Select(f => Cells.Of(path, f, schema.Find(f.Name)!))
                .ToArray();
            if (cells.Length == 0)
            {
                await reader.DisposeAsync();
                throw NoFields(path, schema, fields.Select(f => f.Name));
            }

            return new ParquetRowFile(path, stream, reader, cells);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask<bool> NextAsync(Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        while (index >= groupRows)
        {
            if (++group >= reader.RowGroupCount)
            {
                return false;
            }

            using var rowGroup = reader.OpenRowGroupReader(group);
            groupRows = (int)rowGroup.RowCount;
            foreach (var column in cells)
            {
                await column.LoadAsync(rowGroup, groupRows, cancellationToken);
            }

            index = 0;
        }

        Row++;
        json.WriteStartObject();
        foreach (var column in cells)
        {
            json.WritePropertyName(column.Name);
            column.Write(json, index, this);
        }

        json.WriteEndObject();
        index++;
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await stream.DisposeAsync();
    }

    /// <summary>One column of the current row group, and how its values are written as JSON.</summary>
    private abstract class Cells(DataField field)
    {
        public JsonEncodedText Name { get; } = JsonEncodedText.Encode(field.Name);

        protected DataField Field { get; } = field;

        public static Cells Of(string path, DataField field, FieldSchema target)
        {
            var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
            return type switch
            {
                _ when type == typeof(bool) => new Values<bool>(field, static (w, v) => w.WriteBooleanValue(v)),
                _ when type == typeof(sbyte) => new Values<sbyte>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(byte) => new Values<byte>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(short) => new Values<short>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(ushort) => new Values<ushort>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(int) => new Values<int>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(uint) => new Values<uint>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(long) => new Values<long>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(ulong) => new Values<ulong>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(float) => new Values<float>(field, static (w, v) => Real(w, v)),
                _ when type == typeof(double) => new Values<double>(field, Real),
                _ when type == typeof(decimal) => new Values<decimal>(field, static (w, v) => w.WriteNumberValue(v)),
                _ when type == typeof(DateTime) => new Values<DateTime>(field, static (w, v) => w.WriteStringValue(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime())),
                _ when type == typeof(DateTimeOffset) => new Values<DateTimeOffset>(field, static (w, v) => w.WriteStringValue(v)),
                _ when type == typeof(TimeSpan) => new Values<TimeSpan>(field, static (w, v) => w.WriteStringValue(v.ToString("c", CultureInfo.InvariantCulture))),
                _ when type == typeof(Guid) => new Values<Guid>(field, static (w, v) => w.WriteStringValue(v)),
                _ when type == typeof(string) || type == typeof(ReadOnlyMemory<char>) => new Texts(field, target.Column == ColumnType.Json),
                _ when type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) => new Binaries(field),
                _ => throw new InvalidDataException($"{path}: column '{field.Name}' holds {field.ClrType.Name}, which a replay cannot read as a field; Pipelines' own Parquet files hold only flat columns of booleans, numbers, times, text and bytes."),
            };
        }

        public abstract ValueTask LoadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken);

        public abstract void Write(Utf8JsonWriter json, int row, RowFile file);

        private static void Real(Utf8JsonWriter json, double value)
        {
            if (double.IsFinite(value))
            {
                json.WriteNumberValue(value);
            }
            else
            {
                json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture)); // "NaN", "Infinity", "-Infinity": the JSON form reads them
            }
        }
    }

    private sealed class Values<TValue>(DataField field, Action<Utf8JsonWriter, TValue> write) : Cells(field)
        where TValue : struct
    {
        private TValue?[] optional = [];
        private TValue[] required = [];

        public override async ValueTask LoadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
        {
            if (Field.IsNullable)
            {
                optional = optional.Length >= rows ? optional : new TValue?[rows];
                await group.ReadAsync<TValue>(Field, optional.AsMemory(0, rows), null, cancellationToken);
            }
            else
            {
                required = required.Length >= rows ? required : new TValue[rows];
                await group.ReadAsync<TValue>(Field, required.AsMemory(0, rows), null, cancellationToken);
            }
        }

        public override void Write(Utf8JsonWriter json, int row, RowFile file)
        {
            if (!Field.IsNullable)
            {
                write(json, required[row]);
            }
            else if (optional[row] is { } value)
            {
                write(json, value);
            }
            else
            {
                json.WriteNullValue();
            }
        }
    }

    private sealed class Texts(DataField field, bool json) : Cells(field)
    {
        private string?[] values = [];

        public override async ValueTask LoadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
        {
            values = values.Length >= rows ? values : new string?[rows];
            await group.ReadAsync(Field, values.AsMemory(0, rows)!, null, cancellationToken);
        }

        public override void Write(Utf8JsonWriter writer, int row, RowFile file)
        {
            if (values[row] is not { } text)
            {
                writer.WriteNullValue();
            }
            else if (json)
            {
                JsonCells.WriteDocument(writer, text, Field.Name, file);
            }
            else
            {
                writer.WriteStringValue(text);
            }
        }
    }

    private sealed class Binaries(DataField field) : Cells(field)
    {
        private byte[]?[] values = [];

        public override async ValueTask LoadAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
        {
            values = values.Length >= rows ? values : new byte[]?[rows];
            await group.ReadAsync(Field, values.AsMemory(0, rows)!, null, cancellationToken);
        }

        public override void Write(Utf8JsonWriter json, int row, RowFile file)
        {
            if (values[row] is { } bytes)
            {
                json.WriteBase64StringValue(bytes);
            }
            else
            {
                json.WriteNullValue();
            }
        }
    }
}
