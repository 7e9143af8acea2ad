using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>Codec for <see cref="bool"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct BooleanCodec : IValueCodec<bool>
{
    /// <inheritdoc/>
    public static string WireType => "bool";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Boolean;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, bool value) => writer.WriteBoolean(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, bool value) => writer.Write(value);
    /// <inheritdoc/>
    public static bool Read(ref MessageReader reader) => reader.ReadBoolean();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, bool value) => writer.WriteBooleanValue(value);

    /// <inheritdoc/>
    public static bool ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.Boolean(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, bool value) => writer.WriteBoolean(value);

    /// <inheritdoc/>
    public static bool ReadAvro(ref AvroReader reader) => reader.ReadBoolean();
}

/// <summary>Codec for <see cref="float"/>: float32 on the wire; reads any float or integer. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct SingleCodec : IValueCodec<float>
{
    /// <inheritdoc/>
    public static string WireType => "float32";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Real;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, float value) => writer.WriteReal(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, float value) => writer.Write(value);
    /// <inheritdoc/>
    public static float Read(ref MessageReader reader) => reader.ReadSingle();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, float value) => JsonValues.WriteSingle(writer, value);

    /// <inheritdoc/>
    public static float ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => (float)JsonValues.Double(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, float value) => writer.WriteFloat(value);

    /// <inheritdoc/>
    public static float ReadAvro(ref AvroReader reader) => reader.ReadFloat();
}

/// <summary>Codec for <see cref="double"/>: float64 on the wire; reads any float or integer. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct DoubleCodec : IValueCodec<double>
{
    /// <inheritdoc/>
    public static string WireType => "float64";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Real;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, double value) => writer.WriteReal(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, double value) => writer.Write(value);
    /// <inheritdoc/>
    public static double Read(ref MessageReader reader) => reader.ReadDouble();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, double value) => JsonValues.WriteDouble(writer, value);

    /// <inheritdoc/>
    public static double ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.Double(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, double value) => writer.WriteDouble(value);

    /// <inheritdoc/>
    public static double ReadAvro(ref AvroReader reader) => reader.ReadDouble();
}

/// <summary>Codec for <see cref="string"/>: str or nil. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct StringCodec : IValueCodec<string?>
{
    /// <inheritdoc/>
    public static string WireType => "string";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Text;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteText(value);
        }
    }
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, string? value) => writer.Write(value);
    /// <inheritdoc/>
    public static string? Read(ref MessageReader reader) => reader.ReadString();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, string? value) => writer.WriteStringValue(value);

    /// <inheritdoc/>
    public static string? ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.String(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, string? value) => writer.WriteString(value ?? throw AvroValues.NullInNonNullable());

    /// <inheritdoc/>
    public static string? ReadAvro(ref AvroReader reader) => reader.ReadString();
}

/// <summary>
/// Codec for string tags. The wire is the same as <see cref="StringCodec"/>; reading returns a pooled instance
/// for a value seen before, because tag values repeat on every row of a stream and must not allocate each time.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TagCodec : IValueCodec<string?>
{
    /// <inheritdoc/>
    public static string WireType => "string";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Text;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, string? value) => StringCodec.WriteColumn(writer, value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, string? value) => writer.Write(value);
    /// <inheritdoc/>
    public static string? Read(ref MessageReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        return Utf8StringPool.Shared.GetOrAdd(reader.ReadStringSpan());
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, string? value) => writer.WriteStringValue(value);

    /// <inheritdoc/>
    public static string? ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) =>
        reader.TokenType == global::System.Text.Json.JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
            ? Utf8StringPool.Shared.GetOrAdd(reader.ValueSpan)
            : JsonValues.String(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, string? value) => writer.WriteString(value ?? throw AvroValues.NullInNonNullable());

    /// <inheritdoc/>
    public static string? ReadAvro(ref AvroReader reader) => Utf8StringPool.Shared.GetOrAdd(reader.ReadStringSpan());
}
