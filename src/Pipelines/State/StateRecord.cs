using System.Buffers.Binary;

namespace Pipelines.State;

/// <summary>
/// One stream key's state as the store and its changelog keep it: the position of the last input row applied to it
/// (offset and row index, so a replayed row is recognised and not applied twice), whether it has a value, and the
/// value in the state contract's MessagePack form. Layout: offset (int64, big-endian), row index (int32, big-endian),
/// a flag byte (bit 0: a value follows; bit 1: positions in other inputs follow), then, with bit 1, a count byte and
/// that many positions of inputs 1, 2, … (12 bytes each, as the first), then the value (docs/wire-format.md, "State
/// changelog"). A processor with one input writes flag 0 or 1, the layout before several inputs existed.
/// </summary>
/// <param name="Applied">The last row applied from input 0 (the only input, for most processors).</param>
/// <param name="Value">The value, or <see langword="null"/> for none.</param>
/// <param name="Others">With several inputs, the last row applied from each input after the first, by input number; else <see langword="null"/>.</param>
internal readonly record struct StateRecord(RowPosition Applied, byte[]? Value, RowPosition[]? Others = null)
{
    private const int PositionLength = 8 + 4;
    private const int HeaderLength = PositionLength + 1;
    private const byte HasValue = 1;
    private const byte HasOthers = 2;

    public byte[] Encode()
    {
        var value = Value ?? [];
        var others = Others ?? [];
        var prefix = HeaderLength + (others.Length > 0 ? 1 + (others.Length * PositionLength) : 0);
        var bytes = new byte[prefix + value.Length];
        Write(bytes, Applied);
        bytes[PositionLength] = (byte)((Value is null ? 0 : HasValue) | (others.Length > 0 ? HasOthers : 0));
        if (others.Length > 0)
        {
            bytes[HeaderLength] = checked((byte)others.Length);
            for (var i = 0; i < others.Length; i++)
            {
                Write(bytes.AsSpan(HeaderLength + 1 + (i * PositionLength)), others[i]);
            }
        }

        value.CopyTo(bytes.AsSpan(prefix));
        return bytes;
    }

    /// <exception cref="FormatException">The bytes are not a state record.</exception>
    public static StateRecord Decode(byte[] bytes)
    {
        var (flag, count, prefix) = Check(bytes);

        RowPosition[]? others = null;
        if (count > 0)
        {
            others = new RowPosition[count];
            for (var i = 0; i < count; i++)
            {
                others[i] = Read(bytes.AsSpan(HeaderLength + 1 + (i * PositionLength)));
            }
        }

        return new StateRecord(Read(bytes), (flag & HasValue) != 0 ? bytes[prefix..] : null, others);
    }

    /// <summary>Checks that <paramref name="bytes"/> are a state record, without reading them into one: what a restore does with each.</summary>
    /// <exception cref="FormatException">The bytes are not a state record.</exception>
    public static void Validate(ReadOnlySpan<byte> bytes) => Check(bytes);

    /// <summary>The record's flag, the number of other inputs' positions and where its value starts.</summary>
    private static (byte Flag, int Count, int Prefix) Check(ReadOnlySpan<byte> bytes)
    {
        var flag = bytes.Length >= HeaderLength ? bytes[PositionLength] : byte.MaxValue;
        var count = (flag & HasOthers) != 0 && bytes.Length > HeaderLength ? bytes[HeaderLength] : 0;
        var prefix = HeaderLength + ((flag & HasOthers) != 0 ? 1 + (count * PositionLength) : 0);
        if (flag > (HasValue | HasOthers) || ((flag & HasOthers) != 0 && count == 0) || bytes.Length < prefix || ((flag & HasValue) == 0 && bytes.Length != prefix))
        {
            throw new FormatException($"A state record is {HeaderLength} bytes of position and flag, then any other inputs' positions, then the value; these {bytes.Length} bytes are not one.");
        }

        return (flag, count, prefix);
    }

    private static void Write(Span<byte> bytes, RowPosition position)
    {
        BinaryPrimitives.WriteInt64BigEndian(bytes, position.Offset);
        BinaryPrimitives.WriteInt32BigEndian(bytes[8..], position.Index);
    }

    private static RowPosition Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt32BigEndian(bytes[8..]));
}

/// <summary>
/// Where an input row was read: its message's offset and its index among the message's rows, and which input it came
/// from (offsets of different inputs are not comparable: compare positions of one input only).
/// </summary>
internal readonly record struct RowPosition(long Offset, int Index, int Input = 0) : IComparable<RowPosition>
{
    /// <summary>Before any row.</summary>
    public static readonly RowPosition None = new(-1, -1);

    public int CompareTo(RowPosition other) => Offset != other.Offset ? Offset.CompareTo(other.Offset) : Index.CompareTo(other.Index);

    public static bool operator <=(RowPosition left, RowPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RowPosition left, RowPosition right) => left.CompareTo(right) >= 0;

    public static bool operator <(RowPosition left, RowPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(RowPosition left, RowPosition right) => left.CompareTo(right) > 0;
}
