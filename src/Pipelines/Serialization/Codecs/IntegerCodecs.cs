using System.ComponentModel;

namespace Pipelines.Infrastructure;

// MessagePack writes every integer in its most compact form; the readers accept any integer form that fits
// and throw OverflowException for one that does not, which the generated reader reports as a format error.

/// <summary>Codec for <see cref="sbyte"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct SByteCodec : IValueCodec<sbyte>
{
    /// <inheritdoc/>
    public static string WireType => "int8";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Integer;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, sbyte value) => writer.WriteInteger(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, sbyte value) => writer.Write(value);
    /// <inheritdoc/>
    public static sbyte Read(ref MessageReader reader) => reader.ReadSByte();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, sbyte value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static sbyte ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => checked((sbyte)JsonValues.Int64(ref reader));

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, sbyte value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static sbyte ReadAvro(ref AvroReader reader) => checked((sbyte)reader.ReadLong());
}

/// <summary>Codec for <see cref="byte"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ByteCodec : IValueCodec<byte>
{
    /// <inheritdoc/>
    public static string WireType => "uint8";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Integer;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, byte value) => writer.WriteInteger(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, byte value) => writer.Write(value);
    /// <inheritdoc/>
    public static byte Read(ref MessageReader reader) => reader.ReadByte();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, byte value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static byte ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => checked((byte)JsonValues.UInt64(ref reader));

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, byte value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static byte ReadAvro(ref AvroReader reader) => checked((byte)reader.ReadLong());
}

/// <summary>Codec for <see cref="short"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Int16Codec : IValueCodec<short>
{
    /// <inheritdoc/>
    public static string WireType => "int16";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Integer;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, short value) => writer.WriteInteger(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, short value) => writer.Write(value);
    /// <inheritdoc/>
    public static short Read(ref MessageReader reader) => reader.ReadInt16();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, short value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static short ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => checked((short)JsonValues.Int64(ref reader));

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, short value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static short ReadAvro(ref AvroReader reader) => checked((short)reader.ReadLong());
}

/// <summary>Codec for <see cref="ushort"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct UInt16Codec : IValueCodec<ushort>
{
    /// <inheritdoc/>
    public static string WireType => "uint16";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Integer;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, ushort value) => writer.WriteInteger(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, ushort value) => writer.Write(value);
    /// <inheritdoc/>
    public static ushort Read(ref MessageReader reader) => reader.ReadUInt16();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, ushort value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static ushort ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => checked((ushort)JsonValues.UInt64(ref reader));

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, ushort value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static ushort ReadAvro(ref AvroReader reader) => checked((ushort)reader.ReadLong());
}

/// <summary>Codec for <see cref="int"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Int32Codec : IValueCodec<int>
{
    /// <inheritdoc/>
    public static string WireType => "int32";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Integer;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, int value) => writer.WriteInteger(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, int value) => writer.Write(value);
    /// <inheritdoc/>
    public static int Read(ref MessageReader reader) => reader.ReadInt32();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, int value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static int ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => checked((int)JsonValues.Int64(ref reader));

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, int value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static int ReadAvro(ref AvroReader reader) => reader.ReadInt();
}

/// <summary>Codec for <see cref="uint"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct UInt32Codec : IValueCodec<uint>
{
    /// <inheritdoc/>
    public static string WireType => "uint32";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Integer;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, uint value) => writer.WriteInteger(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, uint value) => writer.Write(value);
    /// <inheritdoc/>
    public static uint Read(ref MessageReader reader) => reader.ReadUInt32();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, uint value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static uint ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => checked((uint)JsonValues.UInt64(ref reader));

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, uint value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static uint ReadAvro(ref AvroReader reader) => checked((uint)reader.ReadLong());
}

/// <summary>Codec for <see cref="long"/>, also used for <c>long</c> timestamps (nanoseconds since the Unix epoch). For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Int64Codec : IValueCodec<long>
{
    /// <inheritdoc/>
    public static string WireType => "int64";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Integer;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, long value) => writer.WriteInteger(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, long value) => writer.Write(value);
    /// <inheritdoc/>
    public static long Read(ref MessageReader reader) => reader.ReadInt64();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static long ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.Int64(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, long value) => writer.WriteLong(value);

    /// <inheritdoc/>
    public static long ReadAvro(ref AvroReader reader) => reader.ReadLong();
}

/// <summary>Codec for <see cref="ulong"/>. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct UInt64Codec : IValueCodec<ulong>
{
    /// <inheritdoc/>
    public static string WireType => "uint64";

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Decimal;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, ulong value) => writer.WriteDecimal(value);
    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, ulong value) => writer.Write(value);
    /// <inheritdoc/>
    public static ulong Read(ref MessageReader reader) => reader.ReadUInt64();

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, ulong value) => writer.WriteNumberValue(value);

    /// <inheritdoc/>
    public static ulong ReadJson(ref global::System.Text.Json.Utf8JsonReader reader) => JsonValues.UInt64(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, ulong value) => writer.WriteLong(unchecked((long)value));

    /// <inheritdoc/>
    public static ulong ReadAvro(ref AvroReader reader) => unchecked((ulong)reader.ReadLong());
}
