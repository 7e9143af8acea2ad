using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>Codec for a nested message contract: its map, or nil. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ContractCodec<T> : IValueCodec<T>
    where T : IMessageContract<T>
{
    /// <inheritdoc/>
    public static string WireType => $"map<{T.Serializer.Schema.Fingerprint}>";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Json;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, T value)
    {
        if (!typeof(T).IsValueType && value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteJson(ColumnJson.Of<T, ContractCodec<T>>(value));
        }
    }

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, T value)
    {
        if (!typeof(T).IsValueType && value is null)
        {
            writer.WriteNil();
            return;
        }

        T.Serializer.Write(ref writer, in value);
    }

    /// <inheritdoc/>
    public static T Read(ref MessageReader reader)
    {
        if (reader.TryReadNil())
        {
            return default!;
        }

        reader.EnterNested();
        var value = T.Serializer.Read(ref reader);
        reader.ExitNested();
        return value;
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, T value)
    {
        if (!typeof(T).IsValueType && value is null)
        {
            writer.WriteNullValue();
            return;
        }

        T.Serializer.WriteJson(writer, in value);
    }

    /// <inheritdoc/>
    public static T ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) =>
        reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? default! : ReadNested(ref reader);

    // A nested contract's own missing timestamp is not its row's: the mark is for the outermost object only.
    private static T ReadNested(ref global::System.Text.Json.Utf8JsonReader reader)
    {
        var value = T.Serializer.ReadJson(ref reader);
        JsonValues.TakeLacksTimestamp();
        return value;
    }

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, T value)
    {
        if (!typeof(T).IsValueType && value is null)
        {
            throw AvroValues.NullInNonNullable();
        }

        T.Serializer.WriteAvro(ref writer, in value);
    }

    /// <inheritdoc/>
    public static T ReadAvro(ref AvroReader reader) => T.Serializer.ReadAvro(ref reader);
}
