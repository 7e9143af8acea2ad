using System.ComponentModel;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Pipelines.Infrastructure;

/// <summary>
/// Writes MessagePack into an <see cref="IBufferWriter{T}"/>. Each value reserves its maximum size once and is
/// stored directly, and integers take their most compact form, byte for byte as MessagePack-CSharp writes them.
/// Call <see cref="Flush"/> to hand the written bytes to the buffer writer.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct MessageWriter
{
    // Asking the output for at least this much at a time keeps GetSpan calls rare for small values.
    private const int MinimumRequest = 256;

    private readonly IBufferWriter<byte> output;
    private Span<byte> buffer;
    private int written;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    public MessageWriter(IBufferWriter<byte> output)
    {
        this.output = output;
        buffer = default;
        written = 0;
    }

    /// <summary>Commits everything written so far to the output.</summary>
    public void Flush()
    {
        output.Advance(written);
        written = 0;
        buffer = default;
    }

    /// <summary>Writes a map header of <paramref name="count"/> entries.</summary>
    public void WriteMapHeader(int count) => WriteHeader(count, MessagePackCodes.MinFixMap, 15, MessagePackCodes.Map16, MessagePackCodes.Map32);

    /// <summary>Writes an array header of <paramref name="count"/> elements.</summary>
    public void WriteArrayHeader(int count) => WriteHeader(count, MessagePackCodes.MinFixArray, 15, MessagePackCodes.Array16, MessagePackCodes.Array32);

    /// <summary>Writes nil.</summary>
    public void WriteNil() => WriteByte(MessagePackCodes.Nil);

    /// <summary>Writes a bool.</summary>
    public void Write(bool value) => WriteByte(value ? MessagePackCodes.True : MessagePackCodes.False);

    /// <summary>Writes a signed integer in its most compact form.</summary>
    public void Write(long value)
    {
        if (value >= 0)
        {
            Write((ulong)value);
            return;
        }

        ref var b = ref Reserve(9);
        if (value >= -32)
        {
            b = unchecked((byte)value);
            written += 1;
        }
        else if (value >= sbyte.MinValue)
        {
            b = MessagePackCodes.Int8;
            Unsafe.Add(ref b, 1) = unchecked((byte)value);
            written += 2;
        }
        else if (value >= short.MinValue)
        {
            b = MessagePackCodes.Int16;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness((short)value));
            written += 3;
        }
        else if (value >= int.MinValue)
        {
            b = MessagePackCodes.Int32;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness((int)value));
            written += 5;
        }
        else
        {
            b = MessagePackCodes.Int64;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness(value));
            written += 9;
        }
    }

    /// <summary>Writes an unsigned integer in its most compact form.</summary>
    public void Write(ulong value)
    {
        ref var b = ref Reserve(9);
        if (value <= MessagePackCodes.MaxPositiveFixInt)
        {
            b = (byte)value;
            written += 1;
        }
        else if (value <= byte.MaxValue)
        {
            b = MessagePackCodes.UInt8;
            Unsafe.Add(ref b, 1) = (byte)value;
            written += 2;
        }
        else if (value <= ushort.MaxValue)
        {
            b = MessagePackCodes.UInt16;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness((ushort)value));
            written += 3;
        }
        else if (value <= uint.MaxValue)
        {
            b = MessagePackCodes.UInt32;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness((uint)value));
            written += 5;
        }
        else
        {
            b = MessagePackCodes.UInt64;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness(value));
            written += 9;
        }
    }

    /// <summary>Writes a float32.</summary>
    public void Write(float value)
    {
        ref var b = ref Reserve(5);
        b = MessagePackCodes.Float32;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(value)));
        written += 5;
    }

    /// <summary>Writes a float64.</summary>
    public void Write(double value)
    {
        ref var b = ref Reserve(9);
        b = MessagePackCodes.Float64;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(value)));
        written += 9;
    }

    /// <summary>Writes a string as UTF-8, or nil for <see langword="null"/>.</summary>
    public void Write(string? value)
    {
        if (value is null)
        {
            WriteNil();
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(length);
        Encoding.UTF8.GetBytes(value, ReserveSpan(length));
        written += length;
    }

    /// <summary>Writes a string whose UTF-8 bytes are already known, such as a field name.</summary>
    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteEncoded(utf8);
    }

    /// <summary>
    /// Writes a field name. Generated code passes a UTF-8 literal, so once inlined the length is a constant and
    /// the copy is a few unrolled stores rather than a call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteKey(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 31)
        {
            WriteString(utf8);
            return;
        }

        ref var b = ref Reserve(utf8.Length + 1);
        b = (byte)(MessagePackCodes.MinFixStr | utf8.Length);
        Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref b, 1), ref MemoryMarshal.GetReference(utf8), (uint)utf8.Length);
        written += utf8.Length + 1;
    }

    /// <summary>Writes a string header for <paramref name="byteCount"/> UTF-8 bytes, which must follow.</summary>
    public void WriteStringHeader(int byteCount)
    {
        ref var b = ref Reserve(5);
        if (byteCount <= 31)
        {
            b = (byte)(MessagePackCodes.MinFixStr | byteCount);
            written += 1;
        }
        else if (byteCount <= byte.MaxValue)
        {
            b = MessagePackCodes.Str8;
            Unsafe.Add(ref b, 1) = (byte)byteCount;
            written += 2;
        }
        else
        {
            WriteLengthHeader(ref b, byteCount, MessagePackCodes.Str16, MessagePackCodes.Str32);
        }
    }

    /// <summary>Writes binary data.</summary>
    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        ref var b = ref Reserve(5);
        if (bytes.Length <= byte.MaxValue)
        {
            b = MessagePackCodes.Bin8;
            Unsafe.Add(ref b, 1) = (byte)bytes.Length;
            written += 2;
        }
        else
        {
            WriteLengthHeader(ref b, bytes.Length, MessagePackCodes.Bin16, MessagePackCodes.Bin32);
        }

        WriteEncoded(bytes);
    }

    /// <summary>Writes a time as the standard timestamp extension (type -1) in its smallest form; local times are converted to UTC.</summary>
    public void Write(DateTime value)
    {
        if (value.Kind == DateTimeKind.Local)
        {
            value = value.ToUniversalTime();
        }

        var seconds = (value.Ticks / TimeSpan.TicksPerSecond) - (DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerSecond);
        var nanoseconds = (value.Ticks % TimeSpan.TicksPerSecond) * 100;
        ref var b = ref Reserve(15);
        if ((seconds >> 34) == 0)
        {
            var data = unchecked((ulong)((nanoseconds << 34) | seconds));
            if ((data & 0xffffffff00000000UL) == 0)
            {
                b = MessagePackCodes.FixExt4;
                Unsafe.Add(ref b, 1) = unchecked((byte)MessagePackCodes.TimestampExtension);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 2), BinaryPrimitives.ReverseEndianness((uint)data));
                written += 6;
            }
            else
            {
                b = MessagePackCodes.FixExt8;
                Unsafe.Add(ref b, 1) = unchecked((byte)MessagePackCodes.TimestampExtension);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 2), BinaryPrimitives.ReverseEndianness(data));
                written += 10;
            }
        }
        else
        {
            b = MessagePackCodes.Ext8;
            Unsafe.Add(ref b, 1) = 12;
            Unsafe.Add(ref b, 2) = unchecked((byte)MessagePackCodes.TimestampExtension);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 3), BinaryPrimitives.ReverseEndianness((uint)nanoseconds));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 7), BinaryPrimitives.ReverseEndianness(seconds));
            written += 15;
        }
    }

    /// <summary>Copies already-encoded MessagePack bytes.</summary>
    public void WriteEncoded(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(ReserveSpan(bytes.Length));
        written += bytes.Length;
    }

    /// <summary>
    /// Returns room for at least <paramref name="size"/> bytes, for a codec that formats in place
    /// (a GUID, a decimal); call <see cref="Advance"/> with what it used.
    /// </summary>
    public Span<byte> GetSpan(int size) => ReserveSpan(size);

    /// <summary>Marks <paramref name="count"/> bytes of the last <see cref="GetSpan"/> as written.</summary>
    public void Advance(int count) => written += count;

    private void WriteByte(byte value)
    {
        Reserve(1) = value;
        written += 1;
    }

    private void WriteHeader(int count, byte fixCode, int fixMax, byte code16, byte code32)
    {
        ref var b = ref Reserve(5);
        if ((uint)count <= (uint)fixMax)
        {
            b = (byte)(fixCode | count);
            written += 1;
        }
        else
        {
            WriteLengthHeader(ref b, count, code16, code32);
        }
    }

    private void WriteLengthHeader(ref byte b, int length, byte code16, byte code32)
    {
        if (length <= ushort.MaxValue)
        {
            b = code16;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness((ushort)length));
            written += 3;
        }
        else
        {
            b = code32;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, 1), BinaryPrimitives.ReverseEndianness((uint)length));
            written += 5;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte Reserve(int size)
    {
        if (buffer.Length - written < size)
        {
            Grow(size);
        }

        return ref Unsafe.Add(ref MemoryMarshal.GetReference(buffer), written);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> ReserveSpan(int size)
    {
        if (buffer.Length - written < size)
        {
            Grow(size);
        }

        return buffer.Slice(written, size);
    }

    private void Grow(int size)
    {
        output.Advance(written);
        written = 0;
        buffer = output.GetSpan(Math.Max(size, MinimumRequest));
    }
}
