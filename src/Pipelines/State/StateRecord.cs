using System.Buffers.Binary;

namespace Pipelines.State;

/// <summary>
/// One stream key's state as the store and its changelog keep it: the position of the last input row applied to it
/// (offset and row index, so a replayed row is recognised and not applied twice), whether it has a value, and the
/// value in the state contract's MessagePack form. Layout: offset (int64, big-endian), row index (int32,
/// big-endian), a byte 1 or 0 for a value or none, then the value (docs/wire-format.md, "State changelog").
/// </summary>
internal readonly record struct StateRecord(RowPosition Applied, byte[]? Value)
{
    private const int HeaderLength = 8 + 4 + 1;

    public byte[] Encode()
    {
        var value = Value ?? [];
        var bytes = new byte[HeaderLength + value.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, Applied.Offset);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), Applied.Index);
        bytes[12] = Value is null ? (byte)0 : (byte)1;
        value.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    /// <exception cref="FormatException">The bytes are not a state record.</exception>
    public static StateRecord Decode(byte[] bytes)
    {
        if (bytes.Length < HeaderLength || bytes[12] > 1 || (bytes[12] == 0 && bytes.Length != HeaderLength))
        {
            throw new FormatException($"A state record is {HeaderLength} bytes of position and flag, then the value; these {bytes.Length} bytes are not one.");
        }

        var applied = new RowPosition(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)));
        return new StateRecord(applied, bytes[12] == 1 ? bytes[HeaderLength..] : null);
    }
}

/// <summary>Where an input row was read: its message's offset and its index among the message's rows.</summary>
internal readonly record struct RowPosition(long Offset, int Index) : IComparable<RowPosition>
{
    /// <summary>Before any row.</summary>
    public static readonly RowPosition None = new(-1, -1);

    public int CompareTo(RowPosition other) => Offset != other.Offset ? Offset.CompareTo(other.Offset) : Index.CompareTo(other.Index);

    public static bool operator <=(RowPosition left, RowPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RowPosition left, RowPosition right) => left.CompareTo(right) >= 0;

    public static bool operator <(RowPosition left, RowPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(RowPosition left, RowPosition right) => left.CompareTo(right) > 0;
}
