namespace Pipelines.Sinks;

/// <summary>
/// Takes a row's values as columns, in the contract's member order (<see cref="IMessageSerializer{T}.WriteColumns"/>):
/// a table sink binds them to its database's parameters or binary import. Each member calls the method of its
/// <see cref="ColumnType"/>, or <see cref="WriteNull"/>.
/// </summary>
public interface IColumnWriter
{
    /// <summary>A member that holds null.</summary>
    void WriteNull();

    /// <summary>A <see cref="ColumnType.Boolean"/> value.</summary>
    void WriteBoolean(bool value);

    /// <summary>An <see cref="ColumnType.Integer"/> value.</summary>
    void WriteInteger(long value);

    /// <summary>A <see cref="ColumnType.Real"/> value.</summary>
    void WriteReal(double value);

    /// <summary>A <see cref="ColumnType.Decimal"/> value.</summary>
    void WriteDecimal(decimal value);

    /// <summary>A <see cref="ColumnType.Text"/> value.</summary>
    void WriteText(string value);

    /// <summary>A <see cref="ColumnType.Time"/> value, in UTC.</summary>
    void WriteTime(DateTimeOffset value);

    /// <summary>A <see cref="ColumnType.Duration"/> value.</summary>
    void WriteDuration(TimeSpan value);

    /// <summary>A <see cref="ColumnType.Uuid"/> value.</summary>
    void WriteUuid(Guid value);

    /// <summary>A <see cref="ColumnType.Bytes"/> value.</summary>
    void WriteBytes(ReadOnlyMemory<byte> value);

    /// <summary>A <see cref="ColumnType.Json"/> value: a JSON document as text.</summary>
    void WriteJson(string json);
}
