using System.Buffers.Binary;
using System.ComponentModel;
using System.Text;

namespace Pipelines.Infrastructure;

/// <summary>
/// Reads Avro's binary encoding from a span (see <see cref="AvroWriter"/>). A value that runs past the end throws
/// <see cref="EndOfStreamException"/>, a malformed one <see cref="InvalidDataException"/>; generated readers report either
/// as a <see cref="MessageFormatException"/> naming the field.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct AvroReader
{
    private readonly ReadOnlySpan<byte> data;
    private int position;

    /// <summary>A reader of <paramref name="data"/> from its start.</summary>
    public AvroReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
        position = 0;
    }

    /// <summary>How far it has read.</summary>
    public readonly int Position => position;

    /// <summary>Whether every byte was read.</summary>
    public readonly bool End => position == data.Length;

    /// <summary>A <c>long</c>: variable-length, zig-zag.</summary>
    public long ReadLong()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new EndOfStreamException();
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (long)(value >> 1) ^ -(long)(value & 1);
            }
        }

        throw new InvalidDataException("a variable-length number longer than 10 bytes");
    }

    /// <summary>An <c>int</c>: a long that fits 32 bits.</summary>
    public int ReadInt() => checked((int)ReadLong());

    /// <summary>A <c>boolean</c>.</summary>
    public bool ReadBoolean() => Take(1)[0] switch
    {
        0 => false,
        1 => true,
        var other => throw new InvalidDataException($"a boolean byte of {other}, not 0 or 1"),
    };

    /// <summary>A <c>float</c>.</summary>
    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    /// <summary>A <c>double</c>.</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary><c>bytes</c>, without a copy: valid as long as the input is.</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(Length());

    /// <summary>A <c>string</c>'s UTF-8, without a copy.</summary>
    public ReadOnlySpan<byte> ReadStringSpan() => Take(Length());

    /// <summary>A <c>string</c>.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadStringSpan());

    /// <summary>A union's branch: 0 is <c>null</c> in the unions Pipelines writes.</summary>
    public int ReadUnionIndex() => ReadInt();

    /// <summary>The number of items in an array's next block (0 at its end); a block that gives its size in bytes gives it here too, skipped.</summary>
    public long ReadBlockCount()
    {
        var count = ReadLong();
        if (count < 0)
        {
            ReadLong(); // the block's size in bytes, which a reader that reads every item has no use for
            return -count;
        }

        return count;
    }

    private int Length()
    {
        var length = ReadLong();
        return length >= 0 && length <= data.Length - position ? (int)length : throw new EndOfStreamException();
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (data.Length - position < length)
        {
            throw new EndOfStreamException();
        }

        var span = data.Slice(position, length);
        position += length;
        return span;
    }
}
