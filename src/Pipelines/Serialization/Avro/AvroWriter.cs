using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Text;

namespace Pipelines.Infrastructure;

/// <summary>
/// Writes Avro's binary encoding (the specification's "Binary Encoding"): zig-zag variable-length longs and ints,
/// little-endian floats, length-prefixed bytes and UTF-8 strings, union branches as their index, arrays as one block
/// and an end. Straight into the output's memory; nothing is allocated.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct AvroWriter
{
    private const int MinimumRequest = 256;

    private readonly IBufferWriter<byte> output;
    private Span<byte> buffer;
    private int written;

    /// <summary>A writer into <paramref name="output"/>; call <see cref="Flush"/> when done.</summary>
    public AvroWriter(IBufferWriter<byte> output)
    {
        this.output = output;
        buffer = default;
        written = 0;
    }

    /// <summary>Commits what was written to the output.</summary>
    public void Flush()
    {
        output.Advance(written);
        written = 0;
        buffer = default;
    }

    /// <summary>A <c>long</c> (and an <c>int</c>, an enum's index, a union's branch, a block's count): zig-zag, then 7 bits a byte.</summary>
    public void WriteLong(long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var span = Reserve(10);
        var i = 0;
        while (zigzag >= 0x80)
        {
            span[i++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        span[i++] = (byte)zigzag;
        written += i;
    }

    /// <summary>A <c>boolean</c>: one byte, 0 or 1.</summary>
    public void WriteBoolean(bool value)
    {
        Reserve(1)[0] = value ? (byte)1 : (byte)0;
        written++;
    }

    /// <summary>A <c>float</c>: four bytes, little-endian.</summary>
    public void WriteFloat(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);
        written += 4;
    }

    /// <summary>A <c>double</c>: eight bytes, little-endian.</summary>
    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);
        written += 8;
    }

    /// <summary><c>bytes</c>: their length, then them.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        value.CopyTo(Reserve(value.Length));
        written += value.Length;
    }

    /// <summary>A <c>string</c>: its UTF-8 length, then its UTF-8.</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
        written += length;
    }

    /// <summary>An array's items come in one block of <paramref name="count"/>, ended by <see cref="WriteArrayEnd"/> (none: only the end).</summary>
    public void WriteArrayStart(int count)
    {
        if (count > 0)
        {
            WriteLong(count);
        }
    }

    /// <summary>The end of an array: a block of none.</summary>
    public void WriteArrayEnd() => WriteLong(0);

    private Span<byte> Reserve(int length)
    {
        if (buffer.Length - written < length)
        {
            output.Advance(written);
            written = 0;
            buffer = output.GetSpan(Math.Max(length, MinimumRequest));
        }

        return buffer[written..];
    }
}
