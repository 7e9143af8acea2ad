using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// A member of a reference type that may be null (<c>string?</c>, <c>byte[]?</c>, a nullable list or contract): its
/// Avro type is a union with null, written as the branch's index before the value. MessagePack and JSON carry null
/// already, so there it is <typeparamref name="TCodec"/> itself. For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct MaybeNullCodec<T, TCodec> : IValueCodec<T?>
    where T : class
    where TCodec : IValueCodec<T?>
{
    /// <inheritdoc/>
    public static string WireType => TCodec.WireType;

    /// <inheritdoc/>
    public static ColumnType Column => TCodec.Column;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, T? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            TCodec.WriteColumn(writer, value);
        }
    }

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, T? value) => TCodec.Write(ref writer, value);

    /// <inheritdoc/>
    public static T? Read(ref MessageReader reader) => TCodec.Read(ref reader);

    /// <inheritdoc/>
    public static void WriteJson(System.Text.Json.Utf8JsonWriter writer, T? value) => TCodec.WriteJson(writer, value);

    /// <inheritdoc/>
    public static T? ReadJson(ref System.Text.Json.Utf8JsonReader reader) => TCodec.ReadJson(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, T? value)
    {
        writer.WriteLong(value is null ? 0 : 1);
        if (value is not null)
        {
            TCodec.WriteAvro(ref writer, value);
        }
    }

    /// <inheritdoc/>
    public static T? ReadAvro(ref AvroReader reader) => AvroUnion.IsNull(ref reader) ? null : TCodec.ReadAvro(ref reader);
}

/// <summary>The unions with null the contract's Avro schema has: null is branch 0, the value branch 1.</summary>
internal static class AvroUnion
{
    public static bool IsNull(ref AvroReader reader) => reader.ReadUnionIndex() switch
    {
        0 => true,
        1 => false,
        var other => throw new InvalidDataException($"union branch {other} where the schema has two, null and a value"),
    };
}
