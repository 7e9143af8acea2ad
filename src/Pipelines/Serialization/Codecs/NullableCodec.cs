using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>Codec for <see cref="Nullable{T}"/>: nil, or the value as <typeparamref name="TCodec"/> writes it. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct NullableCodec<T, TCodec> : IValueCodec<T?>
    where T : struct
    where TCodec : IValueCodec<T>
{
    /// <inheritdoc/>
    public static string WireType => TCodec.WireType + "?";

    /// <inheritdoc/>
    public static ColumnType Column => TCodec.Column;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, T? value)
    {
        if (value is { } present)
        {
            TCodec.WriteColumn(writer, present);
        }
        else
        {
            writer.WriteNull();
        }
    }

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, T? value)
    {
        if (value.HasValue)
        {
            TCodec.Write(ref writer, value.GetValueOrDefault());
        }
        else
        {
            writer.WriteNil();
        }
    }

    /// <inheritdoc/>
    public static T? Read(ref MessageReader reader) => reader.TryReadNil() ? null : TCodec.Read(ref reader);

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, T? value)
    {
        if (value.HasValue)
        {
            TCodec.WriteJson(writer, value.GetValueOrDefault());
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <inheritdoc/>
    public static T? ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) =>
        reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? null : TCodec.ReadJson(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, T? value)
    {
        writer.WriteLong(value.HasValue ? 1 : 0);
        if (value.HasValue)
        {
            TCodec.WriteAvro(ref writer, value.GetValueOrDefault());
        }
    }

    /// <inheritdoc/>
    public static T? ReadAvro(ref AvroReader reader) => AvroUnion.IsNull(ref reader) ? null : TCodec.ReadAvro(ref reader);
}
