using System.ComponentModel;
using System.Buffers.Text;

namespace Pipelines.Infrastructure;

/// <summary>Codec for <see cref="Guid"/>: a 36-character string (<c>"D"</c> format), as MessagePack-CSharp writes it. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct GuidCodec : IValueCodec<Guid>
{
    private const int Length = 36;

    /// <inheritdoc/>
    public static string WireType => "uuid";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Uuid;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, Guid value) => writer.WriteUuid(value);

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, Guid value)
    {
        writer.WriteStringHeader(Length);
        Utf8Formatter.TryFormat(value, writer.GetSpan(Length), out _);
        writer.Advance(Length);
    }

    /// <inheritdoc/>
    public static Guid Read(ref MessageReader reader)
    {
        var utf8 = reader.ReadStringSpan();
        if (utf8.Length == Length && Utf8Parser.TryParse(utf8, out Guid value, out var consumed, 'D') && consumed == Length)
        {
            return value;
        }

        throw new InvalidDataException($"Expected a GUID in \"D\" format (36 characters) but found {utf8.Length} bytes that are not one.");
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, Guid value) => writer.WriteStringValue(value);

    /// <inheritdoc/>
    public static Guid ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => reader.TokenType == global::System.Text.Json.JsonTokenType.String ? reader.GetGuid() : throw JsonValues.Unexpected(ref reader, "a GUID string");

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, Guid value) => writer.WriteString(value.ToString("D"));

    /// <inheritdoc/>
    public static Guid ReadAvro(ref AvroReader reader) => Guid.Parse(reader.ReadString());
}

/// <summary>
/// Codec for <see cref="decimal"/>: its invariant-culture text as a string, so no precision is lost and any
/// reader can parse it; integers and floats are accepted on read.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct DecimalCodec : IValueCodec<decimal>
{
    private const int MaxTextLength = 31;

    /// <inheritdoc/>
    public static string WireType => "decimal";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Decimal;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, decimal value) => writer.WriteDecimal(value);

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, decimal value)
    {
        // A decimal's text is at most 31 bytes (29 digits, sign, point), so its header is always a one-byte fixstr.
        var span = writer.GetSpan(MaxTextLength + 1);
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[0] = (byte)(MessagePackCodes.MinFixStr | written);
        writer.Advance(written + 1);
    }

    /// <inheritdoc/>
    public static decimal Read(ref MessageReader reader)
    {
        var code = reader.NextCode;
        if (code is MessagePackCodes.Float32 or MessagePackCodes.Float64)
        {
            return (decimal)reader.ReadDouble();
        }

        if (code == MessagePackCodes.UInt64)
        {
            return reader.ReadUInt64();
        }

        if (code <= MessagePackCodes.MaxPositiveFixInt || code >= MessagePackCodes.MinNegativeFixInt || code is >= MessagePackCodes.UInt8 and <= MessagePackCodes.Int64)
        {
            return reader.ReadInt64();
        }

        var utf8 = reader.ReadStringSpan();
        if (Utf8Parser.TryParse(utf8, out decimal value, out var consumed) && consumed == utf8.Length)
        {
            return value;
        }

        throw new InvalidDataException($"Expected a decimal number as text but found {utf8.Length} bytes that are not one.");
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, decimal value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static decimal ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.Decimal(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, decimal value) => writer.WriteString(value.ToString(global::System.Globalization.CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public static decimal ReadAvro(ref AvroReader reader) => decimal.Parse(reader.ReadStringSpan(), global::System.Globalization.NumberStyles.Number, global::System.Globalization.CultureInfo.InvariantCulture);
}
