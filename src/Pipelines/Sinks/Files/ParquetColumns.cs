using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Pipelines.Sinks;

/// <summary>
/// A batch's rows as Parquet columns: each member's values gathered in a typed array as <see cref="IColumnWriter"/>
/// hands them over, then written as one row group. Every column is optional (a null is a missing value).
/// </summary>
internal sealed class ParquetColumns : IColumnWriter
{
    private const int DecimalPrecision = 38;
    private const int DecimalScale = 18;
    private static readonly decimal DecimalLimit = 100_000_000_000_000_000_000m;

    private readonly Column[] columns;
    private int next;
    private int row;

    public ParquetColumns(IReadOnlyList<Infrastructure.FieldSchema> fields)
    {
        columns = fields.Select(Column.Of).ToArray();
        Schema = new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray());
    }

    public ParquetSchema Schema { get; }

    /// <summary>Makes room for <paramref name="rows"/> rows, forgetting the last batch's.</summary>
    public void Start(int rows)
    {
        row = -1;
        foreach (var column in columns)
        {
            column.Reset(rows);
        }
    }

    /// <summary>The next row's values follow.</summary>
    public void NextRow()
    {
        row++;
        next = 0;
    }

    public async Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken)
    {
        foreach (var column in columns)
        {
            await column.WriteAsync(group, row + 1, cancellationToken);
        }
    }

    public void WriteNull() => next++;

    public void WriteBoolean(bool value) => Set(value);

    public void WriteInteger(long value) => Set(value);

    public void WriteReal(double value) => Set(value);

    public void WriteDecimal(decimal value)
    {
        // decimal(38, 18) cannot hold every .NET decimal: refusing the row beats a file that silently holds another value.
        if (decimal.Round(value, DecimalScale) != value || Math.Abs(value) >= DecimalLimit)
        {
            throw new ArgumentOutOfRangeException(paramName: null, $"column '{columns[next].Field.Name}' is a Parquet decimal({DecimalPrecision}, {DecimalScale}), which cannot hold {value.ToString(CultureInfo.InvariantCulture)} exactly (at most {DecimalPrecision - DecimalScale} digits before the point and {DecimalScale} after)");
        }

        Set(value);
    }

    public void WriteText(string value) => Set(value);

    public void WriteTime(DateTimeOffset value) => Set(value.UtcDateTime);

    public void WriteDuration(TimeSpan value) => Set(value.ToString("c", CultureInfo.InvariantCulture));

    public void WriteUuid(Guid value) => Set(value.ToString("D"));

    public void WriteBytes(ReadOnlyMemory<byte> value) => Set(value.ToArray());

    public void WriteJson(string json) => Set(json);

    private void Set<TValue>(TValue value) => columns[next++].Set(row, value);

    /// <summary>One column: its field and the batch's values.</summary>
    private abstract class Column
    {
        public abstract DataField Field { get; }

        public static Column Of(Infrastructure.FieldSchema field) => field.Column switch
        {
            ColumnType.Boolean => new Values<bool>(field.Name),
            ColumnType.Integer => new Values<long>(field.Name),
            ColumnType.Real => new Values<double>(field.Name),
            ColumnType.Decimal => new Values<decimal>(field.Name, new DecimalDataField(field.Name, DecimalPrecision, DecimalScale, isNullable: true)),
            ColumnType.Time => new Values<DateTime>(field.Name),
            ColumnType.Bytes => new References<byte[]>(field.Name),
            _ => new References<string>(field.Name),
        };

        public abstract void Reset(int rows);

        public abstract void Set<TValue>(int row, TValue value);

        public abstract Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken);
    }

    private sealed class Values<TValue>(string name, DataField? field = null) : Column
        where TValue : struct
    {
        private TValue?[] values = [];

        public override DataField Field { get; } = field ?? new DataField<TValue?>(name);

        public override void Reset(int rows)
        {
            if (values.Length < rows)
            {
                values = new TValue?[rows];
            }
            else
            {
                Array.Clear(values);
            }
        }

        // The writer hands each column the type it holds: no box on the way.
        public override void Set<TGiven>(int row, TGiven value) => values[row] = System.Runtime.CompilerServices.Unsafe.As<TGiven, TValue>(ref value);

        public override async Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken) =>
            await group.WriteAsync<TValue>(Field, values.AsMemory(0, rows), null, null, cancellationToken);
    }

    private sealed class References<TValue>(string name) : Column
        where TValue : class
    {
        private TValue?[] values = [];

        public override DataField Field { get; } = new DataField<TValue>(name, true);

        public override void Reset(int rows)
        {
            if (values.Length < rows)
            {
                values = new TValue?[rows];
            }
            else
            {
                Array.Clear(values);
            }
        }

        public override void Set<TGiven>(int row, TGiven value) => values[row] = (TValue)(object)value!;

        public override async Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken)
        {
            var written = values.AsSpan(0, rows).ToArray();
            if (typeof(TValue) == typeof(string))
            {
                await group.WriteAsync(Field, (IReadOnlyCollection<string>)(object)written!);
            }
            else
            {
                await group.WriteAsync(Field, (IReadOnlyCollection<byte[]>)(object)written!);
            }
        }
    }
}
