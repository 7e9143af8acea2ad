using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// Codec for <see cref="DateTime"/> parameters: the MessagePack timestamp extension (type -1), which every
/// MessagePack library maps to its native time type. Local times are converted to UTC; reads return UTC.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct DateTimeCodec : IValueCodec<DateTime>
{
    /// <inheritdoc/>
    public static string WireType => "timestamp";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Time;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, DateTime value) => writer.WriteTime(ColumnTimes.Utc(value));
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, DateTime value) => writer.Write(value);
    /// <inheritdoc/>
    public static DateTime Read(ref MessageReader reader) => reader.ReadDateTime();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, DateTime value) => JsonValues.WriteUtcTime(writer, value);

    /// <inheritdoc/>
    public static DateTime ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.UtcTime(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, DateTime value) => writer.WriteLong(AvroValues.Microseconds(value));

    /// <inheritdoc/>
    public static DateTime ReadAvro(ref AvroReader reader) => AvroValues.DateTimeOf(reader.ReadLong());
}

/// <summary>
/// Codec for <see cref="DateTimeOffset"/> parameters: a two-element array of the local clock time as a
/// timestamp extension and the offset in minutes (int16), the layout MessagePack-CSharp uses.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct DateTimeOffsetCodec : IValueCodec<DateTimeOffset>
{
    /// <inheritdoc/>
    public static string WireType => "[timestamp,int16]";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Time;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, DateTimeOffset value) => writer.WriteTime(value.ToUniversalTime());

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, DateTimeOffset value)
    {
        writer.WriteArrayHeader(2);
        writer.Write(new DateTime(value.Ticks, DateTimeKind.Utc));
        writer.Write((short)value.Offset.TotalMinutes);
    }

    /// <inheritdoc/>
    public static DateTimeOffset Read(ref MessageReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count != 2)
        {
            throw new InvalidDataException($"Expected a 2-element array [timestamp, offset minutes] but found {count} elements.");
        }

        var clock = reader.ReadDateTime();
        var offsetMinutes = reader.ReadInt16();
        return new DateTimeOffset(clock.Ticks, TimeSpan.FromMinutes(offsetMinutes));
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, DateTimeOffset value) => writer.WriteStringValue(value);

    /// <inheritdoc/>
    public static DateTimeOffset ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.Time(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, DateTimeOffset value) => writer.WriteLong(AvroValues.Microseconds(value));

    /// <inheritdoc/>
    public static DateTimeOffset ReadAvro(ref AvroReader reader) => new(AvroValues.DateTimeOf(reader.ReadLong()));
}

/// <summary>Codec for <see cref="TimeSpan"/>: int64 ticks (100 ns units). For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TimeSpanCodec : IValueCodec<TimeSpan>
{
    /// <inheritdoc/>
    public static string WireType => "duration-ticks";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Duration;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, TimeSpan value) => writer.WriteDuration(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, TimeSpan value) => writer.Write(value.Ticks);
    /// <inheritdoc/>
    public static TimeSpan Read(ref MessageReader reader) => TimeSpan.FromTicks(reader.ReadInt64());

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, TimeSpan value) => writer.WriteStringValue(value.ToString("c", global::System.Globalization.CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public static TimeSpan ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.Duration(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, TimeSpan value) => writer.WriteLong(value.Ticks);

    /// <inheritdoc/>
    public static TimeSpan ReadAvro(ref AvroReader reader) => TimeSpan.FromTicks(reader.ReadLong());
}

/// <summary>Codec for a <see cref="DateTime"/> <see cref="TimestampAttribute">timestamp</see>: int64 nanoseconds since the Unix epoch. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TimestampDateTimeCodec : IValueCodec<DateTime>
{
    /// <inheritdoc/>
    public static string WireType => "int64";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Time;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, DateTime value) => writer.WriteTime(ColumnTimes.Utc(value));
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, DateTime value) => writer.Write(UnixNanoseconds.FromDateTime(value));
    /// <inheritdoc/>
    public static DateTime Read(ref MessageReader reader) => UnixNanoseconds.ToDateTime(reader.ReadInt64());

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, DateTime value) => JsonValues.WriteUtcTime(writer, value);

    /// <inheritdoc/>
    public static DateTime ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.UtcTime(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, DateTime value) => writer.WriteLong(AvroValues.Microseconds(value));

    /// <inheritdoc/>
    public static DateTime ReadAvro(ref AvroReader reader) => AvroValues.DateTimeOf(reader.ReadLong());
}

/// <summary>Codec for a <see cref="DateTimeOffset"/> <see cref="TimestampAttribute">timestamp</see>: int64 nanoseconds since the Unix epoch. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TimestampDateTimeOffsetCodec : IValueCodec<DateTimeOffset>
{
    /// <inheritdoc/>
    public static string WireType => "int64";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Time;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, DateTimeOffset value) => writer.WriteTime(value.ToUniversalTime());
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, DateTimeOffset value) => writer.Write(UnixNanoseconds.FromDateTimeOffset(value));
    /// <inheritdoc/>
    public static DateTimeOffset Read(ref MessageReader reader) => UnixNanoseconds.ToDateTimeOffset(reader.ReadInt64());

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, DateTimeOffset value) => writer.WriteStringValue(value);

    /// <inheritdoc/>
    public static DateTimeOffset ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.Time(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, DateTimeOffset value) => writer.WriteLong(AvroValues.Microseconds(value));

    /// <inheritdoc/>
    public static DateTimeOffset ReadAvro(ref AvroReader reader) => new(AvroValues.DateTimeOf(reader.ReadLong()));
}

/// <summary>
/// Codec for a <see cref="TimestampAttribute">timestamp</see> held as a <see cref="long"/> of nanoseconds since the
/// Unix epoch: int64 on the wire, a number in JSON, where ISO-8601 text is read too. For use by generated code; not
/// intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TimestampCodec : IValueCodec<long>
{
    /// <inheritdoc/>
    public static string WireType => "int64";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Time;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, long value) => writer.WriteTime(UnixNanoseconds.ToDateTimeOffset(value));

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, long value) => writer.Write(value);

    /// <inheritdoc/>
    public static long Read(ref MessageReader reader) => reader.ReadInt64();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static long ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) =>
        reader.TokenType == global::System.Text.Json.JsonTokenType.String ? UnixNanoseconds.FromDateTimeOffset(reader.GetDateTimeOffset()) : JsonValues.Int64(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, long value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static long ReadAvro(ref AvroReader reader) => reader.ReadLong();
}
