using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// Writes and reads one value of <typeparamref name="T"/> as MessagePack, as JSON and in Avro's binary encoding. Codecs are empty structs with static
/// members so that generic composites (<see cref="ArrayCodec{T, TCodec}"/>, <see cref="NullableCodec{T, TCodec}"/>)
/// are specialized by the JIT and inlined: no virtual call, no delegate, no allocation per value.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <remarks>Generated serializers call codecs; user code rarely needs to.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IValueCodec<T>
{
    /// <summary>The wire type recorded in <see cref="FieldSchema.WireType"/>, for example <c>float64</c> or <c>array&lt;int32&gt;</c>.</summary>
    static abstract string WireType { get; }

    /// <summary>Writes <paramref name="value"/>.</summary>
    static abstract void Write(ref MessageWriter writer, T value);

    /// <summary>Reads one value; throws when the input is not one (the generated serializer reports that as <see cref="MessageFormatException"/>).</summary>
    static abstract T Read(ref MessageReader reader);

    /// <summary>Writes <paramref name="value"/> as one JSON value (docs/wire-format.md, "JSON").</summary>
    static abstract void WriteJson(System.Text.Json.Utf8JsonWriter writer, T value);

    /// <summary>Reads one JSON value: the reader is on its first token, and is left on its last.</summary>
    static abstract T ReadJson(ref System.Text.Json.Utf8JsonReader reader);

    /// <summary>Writes <paramref name="value"/> in Avro's binary encoding, as the contract's Avro schema types it (docs/wire-format.md, "Avro schema").</summary>
    static abstract void WriteAvro(ref AvroWriter writer, T value);

    /// <summary>Reads one value in Avro's binary encoding, of the type the contract's Avro schema gives it.</summary>
    static abstract T ReadAvro(ref AvroReader reader);

    /// <summary>What the value is as a table column (a sink's <see cref="ColumnType"/>).</summary>
    static abstract ColumnType Column { get; }

    /// <summary>Hands the value to a sink's column writer, or null.</summary>
    static abstract void WriteColumn(IColumnWriter writer, T value);
}
