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
}
