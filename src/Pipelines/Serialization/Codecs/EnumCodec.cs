using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Pipelines.Infrastructure;

/// <summary>Codec for an enum: its underlying integer, as MessagePack-CSharp writes it by default. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct EnumCodec<TEnum> : IValueCodec<TEnum>
    where TEnum : struct, Enum
{
    // static readonly is a constant to the optimizing JIT, so each switch below folds to one branch.
    private static readonly TypeCode Underlying = Type.GetTypeCode(Enum.GetUnderlyingType(typeof(TEnum)));

    /// <inheritdoc/>
    public static string WireType => Underlying switch
    {
        TypeCode.SByte => "int8",
        TypeCode.Byte => "uint8",
        TypeCode.Int16 => "int16",
        TypeCode.UInt16 => "uint16",
        TypeCode.Int32 => "int32",
        TypeCode.UInt32 => "uint32",
        TypeCode.Int64 => "int64",
        _ => "uint64",
    };

    /// <inheritdoc/>
    public static ColumnType Column => ColumnType.Text;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, TEnum value) => writer.WriteText(value.ToString());

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, TEnum value)
    {
        switch (Underlying)
        {
            case TypeCode.SByte: writer.Write(Unsafe.As<TEnum, sbyte>(ref value)); break;
            case TypeCode.Byte: writer.Write(Unsafe.As<TEnum, byte>(ref value)); break;
            case TypeCode.Int16: writer.Write(Unsafe.As<TEnum, short>(ref value)); break;
            case TypeCode.UInt16: writer.Write(Unsafe.As<TEnum, ushort>(ref value)); break;
            case TypeCode.Int32: writer.Write(Unsafe.As<TEnum, int>(ref value)); break;
            case TypeCode.UInt32: writer.Write(Unsafe.As<TEnum, uint>(ref value)); break;
            case TypeCode.Int64: writer.Write(Unsafe.As<TEnum, long>(ref value)); break;
            default: writer.Write(Unsafe.As<TEnum, ulong>(ref value)); break;
        }
    }

    /// <inheritdoc/>
    public static TEnum Read(ref MessageReader reader)
    {
        switch (Underlying)
        {
            case TypeCode.SByte: { var v = reader.ReadSByte(); return Unsafe.As<sbyte, TEnum>(ref v); }
            case TypeCode.Byte: { var v = reader.ReadByte(); return Unsafe.As<byte, TEnum>(ref v); }
            case TypeCode.Int16: { var v = reader.ReadInt16(); return Unsafe.As<short, TEnum>(ref v); }
            case TypeCode.UInt16: { var v = reader.ReadUInt16(); return Unsafe.As<ushort, TEnum>(ref v); }
            case TypeCode.Int32: { var v = reader.ReadInt32(); return Unsafe.As<int, TEnum>(ref v); }
            case TypeCode.UInt32: { var v = reader.ReadUInt32(); return Unsafe.As<uint, TEnum>(ref v); }
            case TypeCode.Int64: { var v = reader.ReadInt64(); return Unsafe.As<long, TEnum>(ref v); }
            default: { var v = reader.ReadUInt64(); return Unsafe.As<ulong, TEnum>(ref v); }
        }
    }

    /// <inheritdoc/>
    public static void WriteJson(global::System.Text.Json.Utf8JsonWriter writer, TEnum value)
    {
        if (EnumNames<TEnum>.TryGet(value, out var name))
        {
            writer.WriteStringValue(name);
            return;
        }

        // A value without a name of its own (flags combined, a number from a newer writer) stays a number.
        if (Underlying == TypeCode.UInt64)
        {
            writer.WriteNumberValue(Unsafe.As<TEnum, ulong>(ref value));
        }
        else
        {
            writer.WriteNumberValue(ToInt64(value));
        }
    }

    /// <inheritdoc/>
    public static TEnum ReadJson(ref global::System.Text.Json.Utf8JsonReader reader)
    {
        if (reader.TokenType == global::System.Text.Json.JsonTokenType.String)
        {
            var text = reader.GetString()!;
            return Enum.TryParse<TEnum>(text, ignoreCase: true, out var named) && !char.IsAsciiDigit(text[0]) && text[0] != '-'
                ? named
                : throw new FormatException($"'{text}' is not a name of {typeof(TEnum).Name} ({string.Join(", ", Enum.GetNames<TEnum>())})");
        }

        switch (Underlying)
        {
            case TypeCode.SByte: { var v = checked((sbyte)JsonValues.Int64(ref reader)); return Unsafe.As<sbyte, TEnum>(ref v); }
            case TypeCode.Byte: { var v = checked((byte)JsonValues.UInt64(ref reader)); return Unsafe.As<byte, TEnum>(ref v); }
            case TypeCode.Int16: { var v = checked((short)JsonValues.Int64(ref reader)); return Unsafe.As<short, TEnum>(ref v); }
            case TypeCode.UInt16: { var v = checked((ushort)JsonValues.UInt64(ref reader)); return Unsafe.As<ushort, TEnum>(ref v); }
            case TypeCode.Int32: { var v = checked((int)JsonValues.Int64(ref reader)); return Unsafe.As<int, TEnum>(ref v); }
            case TypeCode.UInt32: { var v = checked((uint)JsonValues.UInt64(ref reader)); return Unsafe.As<uint, TEnum>(ref v); }
            case TypeCode.Int64: { var v = JsonValues.Int64(ref reader); return Unsafe.As<long, TEnum>(ref v); }
            default: { var v = JsonValues.UInt64(ref reader); return Unsafe.As<ulong, TEnum>(ref v); }
        }
    }

    private static long ToInt64(TEnum value) => Underlying switch
    {
        TypeCode.SByte => Unsafe.As<TEnum, sbyte>(ref value),
        TypeCode.Byte => Unsafe.As<TEnum, byte>(ref value),
        TypeCode.Int16 => Unsafe.As<TEnum, short>(ref value),
        TypeCode.UInt16 => Unsafe.As<TEnum, ushort>(ref value),
        TypeCode.Int32 => Unsafe.As<TEnum, int>(ref value),
        TypeCode.UInt32 => Unsafe.As<TEnum, uint>(ref value),
        _ => Unsafe.As<TEnum, long>(ref value),
    };

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, TEnum value) => writer.WriteLong(EnumSymbols<TEnum>.IndexOf(value));

    /// <inheritdoc/>
    public static TEnum ReadAvro(ref AvroReader reader) => EnumSymbols<TEnum>.At(reader.ReadInt());
}

/// <summary>Each named value of <typeparamref name="TEnum"/> with its name encoded once, so writing one allocates nothing.</summary>
internal static class EnumNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, System.Text.Json.JsonEncodedText> Names =
        Enum.GetValues<TEnum>().Distinct().ToDictionary(v => v, v => System.Text.Json.JsonEncodedText.Encode(Enum.GetName(v)!));

    public static bool TryGet(TEnum value, out System.Text.Json.JsonEncodedText name) => Names.TryGetValue(value, out name);
}
