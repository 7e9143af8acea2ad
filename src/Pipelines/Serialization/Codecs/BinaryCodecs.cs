using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>Codec for <see cref="T:byte[]"/>: bin or nil. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ByteArrayCodec : IValueCodec<byte[]?>
{
    /// <inheritdoc/>
    public static string WireType => "binary";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Bytes;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteBytes(value);
        }
    }
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteBinary(value);
        }
    }

    /// <inheritdoc/>
    public static byte[]? Read(ref MessageReader reader) => reader.TryReadNil() ? null : reader.ReadBinary().ToArray();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteBase64StringValue(value);
        }
    }

    /// <inheritdoc/>
    public static byte[]? ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? null : reader.TokenType == global::System.Text.Json.JsonTokenType.String ? reader.GetBytesFromBase64() : throw JsonValues.Unexpected(ref reader, "base64 text");

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, byte[]? value) => writer.WriteBytes(value ?? throw AvroValues.NullInNonNullable());

    /// <inheritdoc/>
    public static byte[]? ReadAvro(ref AvroReader reader) => reader.ReadBytes().ToArray();
}

/// <summary>
/// Codec for <see cref="ReadOnlyMemory{T}"/> of bytes: bin; nil reads as empty. Reading copies, because the
/// message buffer belongs to the consumer and is reused after the handler returns.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ReadOnlyMemoryCodec : IValueCodec<ReadOnlyMemory<byte>>
{
    /// <inheritdoc/>
    public static string WireType => "binary";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Bytes;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, ReadOnlyMemory<byte> value) => writer.WriteBytes(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, ReadOnlyMemory<byte> value) => writer.WriteBinary(value.Span);
    /// <inheritdoc/>
    public static ReadOnlyMemory<byte> Read(ref MessageReader reader) => reader.TryReadNil() ? default : reader.ReadBinary().ToArray();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, ReadOnlyMemory<byte> value) => writer.WriteBase64StringValue(value.Span);

    /// <inheritdoc/>
    public static ReadOnlyMemory<byte> ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? default : reader.TokenType == global::System.Text.Json.JsonTokenType.String ? reader.GetBytesFromBase64() : throw JsonValues.Unexpected(ref reader, "base64 text");

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, ReadOnlyMemory<byte> value) => writer.WriteBytes(value.Span);

    /// <inheritdoc/>
    public static ReadOnlyMemory<byte> ReadAvro(ref AvroReader reader) => reader.ReadBytes().ToArray();
}
