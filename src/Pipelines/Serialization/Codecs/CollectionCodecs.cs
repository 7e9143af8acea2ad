using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Pipelines.Infrastructure;

/// <summary>Codec for <c>T[]</c>: an array of elements, or nil. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ArrayCodec<T, TCodec> : IValueCodec<T[]?>
    where TCodec : IValueCodec<T>
{
    /// <inheritdoc/>
    public static string WireType => $"array<{TCodec.WireType}>";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Json;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, T[]? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteJson(ColumnJson.Of<T[]?, ArrayCodec<T, TCodec>>(value));
        }
    }

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, T[]? value)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        CollectionWriter.Write<T, TCodec>(ref writer, value);
    }

    /// <inheritdoc/>
    public static T[]? Read(ref MessageReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var values = new T[reader.ReadArrayHeader()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = TCodec.Read(ref reader);
        }

        return values;
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, T[]? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        CollectionWriter.WriteJson<T, TCodec>(writer, value);
    }

    /// <inheritdoc/>
    public static T[]? ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => ListCodec<T, TCodec>.ReadJson(ref reader)?.ToArray();

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, T[]? value) => CollectionWriter.WriteAvro<T, TCodec>(ref writer, value ?? throw AvroValues.NullInNonNullable());

    /// <inheritdoc/>
    public static T[]? ReadAvro(ref AvroReader reader) => [.. ListCodec<T, TCodec>.ReadAvro(ref reader)!];
}

/// <summary>Codec for <see cref="List{T}"/>: an array of elements, or nil. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ListCodec<T, TCodec> : IValueCodec<List<T>?>
    where TCodec : IValueCodec<T>
{
    /// <inheritdoc/>
    public static string WireType => $"array<{TCodec.WireType}>";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Json;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, List<T>? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteJson(ColumnJson.Of<List<T>?, ListCodec<T, TCodec>>(value));
        }
    }

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, List<T>? value)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        CollectionWriter.Write<T, TCodec>(ref writer, CollectionsMarshal.AsSpan(value));
    }

    /// <inheritdoc/>
    public static List<T>? Read(ref MessageReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var count = reader.ReadArrayHeader();
        var values = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            values.Add(TCodec.Read(ref reader));
        }

        return values;
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, List<T>? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        CollectionWriter.WriteJson<T, TCodec>(writer, CollectionsMarshal.AsSpan(value));
    }

    /// <inheritdoc/>
    public static List<T>? ReadJson(ref global::System.Text.Json.Utf8JsonReader reader)
    {
        if (!JsonValues.StartArray(ref reader))
        {
            return null;
        }

        var values = new List<T>();
        while (JsonValues.NextElement(ref reader))
        {
            values.Add(TCodec.ReadJson(ref reader));
        }

        return values;
    }

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, List<T>? value) => CollectionWriter.WriteAvro<T, TCodec>(ref writer, CollectionsMarshal.AsSpan(value ?? throw AvroValues.NullInNonNullable()));

    /// <inheritdoc/>
    public static List<T>? ReadAvro(ref AvroReader reader)
    {
        var values = new List<T>();
        for (var count = reader.ReadBlockCount(); count > 0; count = reader.ReadBlockCount())
        {
            for (; count > 0; count--)
            {
                values.Add(TCodec.ReadAvro(ref reader));
            }
        }

        return values;
    }
}

/// <summary>Codec for <see cref="IReadOnlyList{T}"/>: an array of elements, or nil; reads return a <c>T[]</c>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ReadOnlyListCodec<T, TCodec> : IValueCodec<IReadOnlyList<T>?>
    where TCodec : IValueCodec<T>
{
    /// <inheritdoc/>
    public static string WireType => $"array<{TCodec.WireType}>";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Json;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, IReadOnlyList<T>? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteJson(ColumnJson.Of<IReadOnlyList<T>?, ReadOnlyListCodec<T, TCodec>>(value));
        }
    }

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, IReadOnlyList<T>? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case T[] array:
                CollectionWriter.Write<T, TCodec>(ref writer, array);
                break;
            case List<T> list:
                CollectionWriter.Write<T, TCodec>(ref writer, CollectionsMarshal.AsSpan(list));
                break;
            default:
                writer.WriteArrayHeader(value.Count);
                for (var i = 0; i < value.Count; i++)
                {
                    TCodec.Write(ref writer, value[i]);
                }

                break;
        }
    }

    /// <inheritdoc/>
    public static IReadOnlyList<T>? Read(ref MessageReader reader) => ArrayCodec<T, TCodec>.Read(ref reader);

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, IReadOnlyList<T>? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        for (var i = 0; i < value.Count; i++)
        {
            TCodec.WriteJson(writer, value[i]);
        }

        writer.WriteEndArray();
    }

    /// <inheritdoc/>
    public static IReadOnlyList<T>? ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => ArrayCodec<T, TCodec>.ReadJson(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, IReadOnlyList<T>? value)
    {
        var list = value ?? throw AvroValues.NullInNonNullable();
        writer.WriteArrayStart(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            TCodec.WriteAvro(ref writer, list[i]);
        }

        writer.WriteArrayEnd();
    }

    /// <inheritdoc/>
    public static IReadOnlyList<T>? ReadAvro(ref AvroReader reader) => ArrayCodec<T, TCodec>.ReadAvro(ref reader);
}

internal static class CollectionWriter
{
    public static void WriteAvro<T, TCodec>(ref AvroWriter writer, ReadOnlySpan<T> values)
        where TCodec : IValueCodec<T>
    {
        writer.WriteArrayStart(values.Length);
        foreach (var value in values)
        {
            TCodec.WriteAvro(ref writer, value);
        }

        writer.WriteArrayEnd();
    }

    public static void WriteJson<T, TCodec>(global::System.Text.Json.Utf8JsonWriter writer, ReadOnlySpan<T> values)
        where TCodec : IValueCodec<T>
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            TCodec.WriteJson(writer, value);
        }

        writer.WriteEndArray();
    }

    public static void Write<T, TCodec>(ref MessageWriter writer, ReadOnlySpan<T> values)
        where TCodec : IValueCodec<T>
    {
        writer.WriteArrayHeader(values.Length);
        foreach (var value in values)
        {
            TCodec.Write(ref writer, value);
        }
    }
}
