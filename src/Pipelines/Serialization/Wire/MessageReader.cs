using System.ComponentModel;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Pipelines.Infrastructure;

/// <summary>
/// Reads MessagePack from a contiguous span, which is what a Kafka consumer hands over. Every read checks the
/// format byte and the remaining length: a value of the wrong type, a truncated value or an impossible length
/// throws (and the generated reader turns that into <see cref="MessageFormatException"/>); nothing reads past
/// the end or allocates for a length it has not seen bytes for.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct MessageReader
{
    /// <summary>How deeply contracts may nest in one message; deeper input is rejected rather than recursed into.</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> buffer;
    private int position;
    private int depth;

    /// <summary>Creates a reader over <paramref name="buffer"/>.</summary>
    public MessageReader(ReadOnlySpan<byte> buffer)
    {
        this.buffer = buffer;
        position = 0;
        depth = 0;
    }

    /// <summary>The offset of the next byte to read.</summary>
    public readonly int Position => position;

    /// <summary>The length of the whole message.</summary>
    public readonly int Length => buffer.Length;

    /// <summary>Whether every byte has been read.</summary>
    public readonly bool End => position >= buffer.Length;

    /// <summary>The format byte of the next value.</summary>
    public readonly byte NextCode
    {
        get
        {
            if ((uint)position >= (uint)buffer.Length)
            {
                ThrowEndOfMessage();
            }

            return buffer[position];
        }
    }

    /// <summary>Reads nil if it is next.</summary>
    public bool TryReadNil()
    {
        if (NextCode != MessagePackCodes.Nil)
        {
            return false;
        }

        position++;
        return true;
    }

    /// <summary>Reads a map header; the count is checked against the bytes left, so it is safe to allocate for.</summary>
    public int ReadMapHeader() =>
        ReadCollectionHeader(MessagePackCodes.MinFixMap, MessagePackCodes.Map16, MessagePackCodes.Map32, "a map", bytesPerItem: 2);

    /// <summary>Reads an array header; the count is checked against the bytes left, so it is safe to allocate for.</summary>
    public int ReadArrayHeader() =>
        ReadCollectionHeader(MessagePackCodes.MinFixArray, MessagePackCodes.Array16, MessagePackCodes.Array32, "an array", bytesPerItem: 1);

    /// <summary>Reads a bool.</summary>
    public bool ReadBoolean()
    {
        var code = NextCode;
        if (code is MessagePackCodes.True or MessagePackCodes.False)
        {
            position++;
            return code == MessagePackCodes.True;
        }

        throw new WireTypeMismatchException("a bool", code);
    }

    /// <summary>Reads any integer that fits in <see cref="long"/>; a larger one throws <see cref="OverflowException"/>.</summary>
    public long ReadInt64()
    {
        var code = NextCode;
        if (code <= MessagePackCodes.MaxPositiveFixInt || code >= MessagePackCodes.MinNegativeFixInt)
        {
            position++;
            return unchecked((sbyte)code);
        }

        return code switch
        {
            MessagePackCodes.UInt8 => Payload(1)[0],
            MessagePackCodes.UInt16 => BinaryPrimitives.ReadUInt16BigEndian(Payload(2)),
            MessagePackCodes.UInt32 => BinaryPrimitives.ReadUInt32BigEndian(Payload(4)),
            MessagePackCodes.UInt64 => checked((long)BinaryPrimitives.ReadUInt64BigEndian(Payload(8))),
            MessagePackCodes.Int8 => unchecked((sbyte)Payload(1)[0]),
            MessagePackCodes.Int16 => BinaryPrimitives.ReadInt16BigEndian(Payload(2)),
            MessagePackCodes.Int32 => BinaryPrimitives.ReadInt32BigEndian(Payload(4)),
            MessagePackCodes.Int64 => BinaryPrimitives.ReadInt64BigEndian(Payload(8)),
            _ => throw new WireTypeMismatchException("an integer", code),
        };
    }

    /// <summary>Reads any non-negative integer.</summary>
    public ulong ReadUInt64() =>
        NextCode == MessagePackCodes.UInt64 ? BinaryPrimitives.ReadUInt64BigEndian(Payload(8)) : checked((ulong)ReadInt64());

    /// <summary>Reads an integer that fits in <see cref="int"/>.</summary>
    public int ReadInt32()
    {
        var code = NextCode;
        if (code <= MessagePackCodes.MaxPositiveFixInt)
        {
            position++;
            return code;
        }

        return checked((int)ReadInt64());
    }

    /// <summary>Reads an integer that fits in <see cref="uint"/>.</summary>
    public uint ReadUInt32() => checked((uint)ReadInt64());

    /// <summary>Reads an integer that fits in <see cref="short"/>.</summary>
    public short ReadInt16() => checked((short)ReadInt64());

    /// <summary>Reads an integer that fits in <see cref="ushort"/>.</summary>
    public ushort ReadUInt16() => checked((ushort)ReadInt64());

    /// <summary>Reads an integer that fits in <see cref="sbyte"/>.</summary>
    public sbyte ReadSByte() => checked((sbyte)ReadInt64());

    /// <summary>Reads an integer that fits in <see cref="byte"/>.</summary>
    public byte ReadByte() => checked((byte)ReadInt64());

    /// <summary>Reads a float64, a float32 or an integer as <see cref="double"/>.</summary>
    public double ReadDouble()
    {
        var code = NextCode;
        if (code == MessagePackCodes.Float64)
        {
            return BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Payload(8)));
        }

        return code switch
        {
            MessagePackCodes.Float32 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32BigEndian(Payload(4))),
            MessagePackCodes.UInt64 => BinaryPrimitives.ReadUInt64BigEndian(Payload(8)),
            _ when IsInteger(code) => ReadInt64(),
            _ => throw new WireTypeMismatchException("a number", code),
        };
    }

    /// <summary>Reads a float32, a float64 (narrowed) or an integer as <see cref="float"/>.</summary>
    /// <exception cref="OverflowException">A wider value is finite but outside float32's range: it would become infinity.</exception>
    public float ReadSingle()
    {
        if (NextCode == MessagePackCodes.Float32)
        {
            return BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32BigEndian(Payload(4)));
        }

        var wide = ReadDouble();
        var narrow = (float)wide;
        return float.IsInfinity(narrow) && double.IsFinite(wide)
            ? throw new OverflowException($"{wide.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside float32's range")
            : narrow;
    }

    /// <summary>Reads a non-nil string as UTF-8 bytes, without copying.</summary>
    public ReadOnlySpan<byte> ReadStringSpan()
    {
        var code = NextCode;
        int length;
        if (code is >= MessagePackCodes.MinFixStr and <= MessagePackCodes.MaxFixStr)
        {
            position++;
            length = code & 0x1f;
        }
        else
        {
            length = code switch
            {
                MessagePackCodes.Str8 => Payload(1)[0],
                MessagePackCodes.Str16 => BinaryPrimitives.ReadUInt16BigEndian(Payload(2)),
                MessagePackCodes.Str32 => CheckCount(BinaryPrimitives.ReadUInt32BigEndian(Payload(4)), 1),
                _ => throw new WireTypeMismatchException("a string", code),
            };
        }

        return Take(length);
    }

    /// <summary>Reads a string, or <see langword="null"/> for nil.</summary>
    public string? ReadString() => TryReadNil() ? null : Encoding.UTF8.GetString(ReadStringSpan());

    /// <summary>
    /// Reads a map key as UTF-8. A key that is not a string (MessagePack allows any type) is skipped and read as
    /// empty, which matches no field, so its value is skipped too.
    /// </summary>
    public ReadOnlySpan<byte> ReadKey()
    {
        var code = NextCode;
        if (code is >= MessagePackCodes.MinFixStr and <= MessagePackCodes.MaxFixStr)
        {
            position++;
            return Take(code & 0x1f);
        }

        if (code is MessagePackCodes.Str8 or MessagePackCodes.Str16 or MessagePackCodes.Str32)
        {
            return ReadStringSpan();
        }

        Skip();
        return default;
    }

    /// <summary>Reads non-nil binary data without copying.</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        var code = NextCode;
        var length = code switch
        {
            MessagePackCodes.Bin8 => Payload(1)[0],
            MessagePackCodes.Bin16 => BinaryPrimitives.ReadUInt16BigEndian(Payload(2)),
            MessagePackCodes.Bin32 => CheckCount(BinaryPrimitives.ReadUInt32BigEndian(Payload(4)), 1),
            _ => throw new WireTypeMismatchException("binary", code),
        };
        return Take(length);
    }

    /// <summary>Reads a timestamp extension (type -1) in any of its three sizes, as UTC.</summary>
    public DateTime ReadDateTime()
    {
        var code = NextCode;
        long seconds;
        long nanoseconds;
        switch (code)
        {
            case MessagePackCodes.FixExt4:
                ExpectTimestampType(Payload(1)[0], code);
                seconds = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
                nanoseconds = 0;
                break;
            case MessagePackCodes.FixExt8:
                ExpectTimestampType(Payload(1)[0], code);
                var data = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
                nanoseconds = (long)(data >> 34);
                seconds = (long)(data & 0x3_ffff_ffffUL);
                break;
            case MessagePackCodes.Ext8:
                if (Payload(1)[0] != 12)
                {
                    throw new WireTypeMismatchException("a timestamp", code);
                }

                ExpectTimestampType(Take(1)[0], code);
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
                seconds = BinaryPrimitives.ReadInt64BigEndian(Take(8));
                break;
            default:
                throw new WireTypeMismatchException("a timestamp", code);
        }

        if (nanoseconds >= 1_000_000_000)
        {
            throw new InvalidDataException($"A timestamp has {nanoseconds} nanoseconds, more than a second holds.");
        }

        return DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanoseconds / 100);
    }

    /// <summary>
    /// Skips one value of any shape. Iterative, so input nested a million levels deep cannot overflow the stack;
    /// every step consumes at least one byte, so it ends.
    /// </summary>
    public void Skip()
    {
        long pending = 1;
        while (pending-- > 0)
        {
            var code = NextCode;
            switch (code)
            {
                case >= MessagePackCodes.MinFixMap and <= MessagePackCodes.MaxFixMap or MessagePackCodes.Map16 or MessagePackCodes.Map32:
                    pending += 2L * ReadMapHeader();
                    break;
                case >= MessagePackCodes.MinFixArray and <= MessagePackCodes.MaxFixArray or MessagePackCodes.Array16 or MessagePackCodes.Array32:
                    pending += ReadArrayHeader();
                    break;
                default:
                    SkipScalar(code);
                    break;
            }
        }
    }

    /// <summary>Counts one level of contract nesting; pair with <see cref="ExitNested"/>.</summary>
    public void EnterNested()
    {
        if (++depth > MaxDepth)
        {
            throw new InvalidDataException($"Contracts nest deeper than {MaxDepth} levels.");
        }
    }

    /// <summary>Leaves a level entered with <see cref="EnterNested"/>.</summary>
    public void ExitNested() => depth--;

    private void SkipScalar(byte code)
    {
        position++;
        var length = code switch
        {
            <= MessagePackCodes.MaxPositiveFixInt or >= MessagePackCodes.MinNegativeFixInt => 0,
            >= MessagePackCodes.MinFixStr and <= MessagePackCodes.MaxFixStr => code & 0x1f,
            MessagePackCodes.Nil or MessagePackCodes.False or MessagePackCodes.True => 0,
            MessagePackCodes.UInt8 or MessagePackCodes.Int8 => 1,
            MessagePackCodes.UInt16 or MessagePackCodes.Int16 => 2,
            MessagePackCodes.UInt32 or MessagePackCodes.Int32 or MessagePackCodes.Float32 => 4,
            MessagePackCodes.UInt64 or MessagePackCodes.Int64 or MessagePackCodes.Float64 => 8,
            MessagePackCodes.Str8 or MessagePackCodes.Bin8 => Take(1)[0],
            MessagePackCodes.Str16 or MessagePackCodes.Bin16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            MessagePackCodes.Str32 or MessagePackCodes.Bin32 => CheckCount(BinaryPrimitives.ReadUInt32BigEndian(Take(4)), 1),
            MessagePackCodes.FixExt1 => 2,
            MessagePackCodes.FixExt2 => 3,
            MessagePackCodes.FixExt4 => 5,
            MessagePackCodes.FixExt8 => 9,
            MessagePackCodes.FixExt16 => 17,
            MessagePackCodes.Ext8 => Take(1)[0] + 1,
            MessagePackCodes.Ext16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)) + 1,
            MessagePackCodes.Ext32 => CheckCount(BinaryPrimitives.ReadUInt32BigEndian(Take(4)) + 1L, 1),
            _ => throw new InvalidDataException($"The byte 0x{code:x2} is never used in MessagePack."),
        };
        Take(length);
    }

    private int ReadCollectionHeader(byte minFix, byte code16, byte code32, string expected, int bytesPerItem)
    {
        var code = NextCode;
        long count;
        if ((code & 0xf0) == minFix)
        {
            position++;
            count = code & 0x0f;
        }
        else if (code == code16)
        {
            count = BinaryPrimitives.ReadUInt16BigEndian(Payload(2));
        }
        else if (code == code32)
        {
            count = BinaryPrimitives.ReadUInt32BigEndian(Payload(4));
        }
        else
        {
            throw new WireTypeMismatchException(expected, code);
        }

        return CheckCount(count, bytesPerItem);
    }

    private static bool IsInteger(byte code) =>
        code <= MessagePackCodes.MaxPositiveFixInt || code >= MessagePackCodes.MinNegativeFixInt || code is >= MessagePackCodes.UInt8 and <= MessagePackCodes.Int64;

    private static void ExpectTimestampType(byte type, byte code)
    {
        if (unchecked((sbyte)type) != MessagePackCodes.TimestampExtension)
        {
            throw new WireTypeMismatchException("a timestamp", code);
        }
    }

    /// <summary>Skips the format byte and returns the <paramref name="length"/> bytes after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Payload(int length)
    {
        position++;
        return Take(length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int length)
    {
        if ((uint)length > (uint)(buffer.Length - position))
        {
            ThrowEndOfMessage();
        }

        var span = buffer.Slice(position, length);
        position += length;
        return span;
    }

    /// <summary>A count of items that each take at least <paramref name="bytesPerItem"/> bytes must fit in what is left.</summary>
    private readonly int CheckCount(long count, int bytesPerItem)
    {
        if (count * bytesPerItem > buffer.Length - position)
        {
            throw new EndOfStreamException($"A length of {count} is more than the {buffer.Length - position} bytes left.");
        }

        return (int)count;
    }

    [DoesNotReturn]
    private static void ThrowEndOfMessage() => throw new EndOfStreamException("The message ends too early.");
}
