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
    public static void Write(ref MessageWriter writer, DateTime value) => writer.Write(value);
    /// <inheritdoc/>
    public static DateTime Read(ref MessageReader reader) => reader.ReadDateTime();
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
}

/// <summary>Codec for <see cref="TimeSpan"/>: int64 ticks (100 ns units). For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TimeSpanCodec : IValueCodec<TimeSpan>
{
    /// <inheritdoc/>
    public static string WireType => "duration-ticks";
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, TimeSpan value) => writer.Write(value.Ticks);
    /// <inheritdoc/>
    public static TimeSpan Read(ref MessageReader reader) => TimeSpan.FromTicks(reader.ReadInt64());
}

/// <summary>Codec for a <see cref="DateTime"/> <see cref="TimestampAttribute">timestamp</see>: int64 nanoseconds since the Unix epoch. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TimestampDateTimeCodec : IValueCodec<DateTime>
{
    /// <inheritdoc/>
    public static string WireType => "int64";
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, DateTime value) => writer.Write(UnixNanoseconds.FromDateTime(value));
    /// <inheritdoc/>
    public static DateTime Read(ref MessageReader reader) => UnixNanoseconds.ToDateTime(reader.ReadInt64());
}

/// <summary>Codec for a <see cref="DateTimeOffset"/> <see cref="TimestampAttribute">timestamp</see>: int64 nanoseconds since the Unix epoch. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TimestampDateTimeOffsetCodec : IValueCodec<DateTimeOffset>
{
    /// <inheritdoc/>
    public static string WireType => "int64";
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, DateTimeOffset value) => writer.Write(UnixNanoseconds.FromDateTimeOffset(value));
    /// <inheritdoc/>
    public static DateTimeOffset Read(ref MessageReader reader) => UnixNanoseconds.ToDateTimeOffset(reader.ReadInt64());
}
