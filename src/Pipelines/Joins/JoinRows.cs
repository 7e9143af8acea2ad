using System.Buffers.Binary;
using System.ComponentModel;
using Pipelines.State;

namespace Pipelines.Infrastructure;

/// <summary>
/// A joining processor's state for one stream key: the rows of each side that may still match a row of the other,
/// in order of timestamp, and each side's data time (its latest row's timestamp). Kept in the processor's keyed state,
/// so it survives restarts and moves with its partition: the key's record holds the data times, and each waiting row
/// is a record of its own (a segment), written once when it arrives and deleted when it leaves, so a checkpoint writes
/// what changed, not every waiting row again.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <typeparam name="TLeft">The first input's contract.</typeparam>
/// <typeparam name="TRight">The second input's contract.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class JoinRows<TLeft, TRight> : IMessageContract<JoinRows<TLeft, TRight>>, ISegmentedValue
    where TLeft : IMessageContract<TLeft>
    where TRight : IMessageContract<TRight>
{
    private const byte LeftSide = 0;
    private const byte RightSide = 1;

    // Rows to write at the next checkpoint, by side and id, and written rows that left since.
    private readonly HashSet<(byte Side, int Id)> unwritten = [];
    private readonly List<(byte Side, long Time, int Id)> gone = [];

    /// <summary>How many rows wait, of both sides.</summary>
    public int Count => Left.Count + Right.Count;

    static IMessageSerializer<JoinRows<TLeft, TRight>> IMessageContract<JoinRows<TLeft, TRight>>.Serializer => JoinRowsSerializer.Instance;

    /// <summary>The latest left row's timestamp (nanoseconds), or <see cref="long.MinValue"/> before the first.</summary>
    internal long LeftTime { get; set; } = long.MinValue;

    /// <summary>The latest right row's timestamp (nanoseconds), or <see cref="long.MinValue"/> before the first.</summary>
    internal long RightTime { get; set; } = long.MinValue;

    internal List<Waiting<TLeft>> Left { get; } = [];

    internal List<Waiting<TRight>> Right { get; } = [];

    /// <summary>The id the next waiting row gets; ids are never reused for a key, and a segment at or past it was never named by a head.</summary>
    internal int NextId { get; private set; }

    /// <summary>Puts a left row at <paramref name="index"/> (its place in time order).</summary>
    internal void InsertLeft(int index, long time, TLeft row, bool matched)
    {
        var id = NextId++;
        Left.Insert(index, new Waiting<TLeft>(time, row, matched, id));
        unwritten.Add((LeftSide, id));
    }

    /// <summary>Puts a right row at <paramref name="index"/> (its place in time order).</summary>
    internal void InsertRight(int index, long time, TRight row)
    {
        var id = NextId++;
        Right.Insert(index, new Waiting<TRight>(time, row, true, id));
        unwritten.Add((RightSide, id));
    }

    /// <summary>Marks the left row at <paramref name="index"/> matched.</summary>
    internal void MatchLeft(int index)
    {
        if (!Left[index].Matched)
        {
            Left[index] = Left[index] with { Matched = true };
            unwritten.Add((LeftSide, Left[index].Id));
        }
    }

    /// <summary>Removes the first <paramref name="count"/> left rows (the oldest).</summary>
    internal void RemoveLeft(int count) => Remove(Left, LeftSide, count);

    /// <summary>Removes the first <paramref name="count"/> right rows (the oldest).</summary>
    internal void RemoveRight(int count) => Remove(Right, RightSide, count);

    void ISegmentedValue.TakeSegments(byte[] prefix, List<KeyValuePair<byte[], byte[]?>> records)
    {
        foreach (var (side, time, id) in gone)
        {
            records.Add(new(KeyOf(prefix, side, time, id), null));
        }

        gone.Clear();
        if (unwritten.Count == 0)
        {
            return;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        foreach (var left in Left)
        {
            if (unwritten.Contains((LeftSide, left.Id)))
            {
                records.Add(new(KeyOf(prefix, LeftSide, left.Time, left.Id), Encode(left, buffer)));
            }
        }

        foreach (var right in Right)
        {
            if (unwritten.Contains((RightSide, right.Id)))
            {
                records.Add(new(KeyOf(prefix, RightSide, right.Time, right.Id), Encode(right, buffer)));
            }
        }

        unwritten.Clear();
    }

    void ISegmentedValue.DeleteSegments(byte[] prefix, List<KeyValuePair<byte[], byte[]?>> records)
    {
        foreach (var (side, time, id) in gone)
        {
            records.Add(new(KeyOf(prefix, side, time, id), null));
        }

        foreach (var left in Left)
        {
            records.Add(new(KeyOf(prefix, LeftSide, left.Time, left.Id), null));
        }

        foreach (var right in Right)
        {
            records.Add(new(KeyOf(prefix, RightSide, right.Time, right.Id), null));
        }
    }

    void ISegmentedValue.LoadSegments(int prefixLength, IEnumerable<KeyValuePair<byte[], byte[]>> segments)
    {
        // In key order: the left rows, then the right, each by time and then arrival (id), as the lists keep them.
        foreach (var (key, value) in segments)
        {
            var suffix = key.AsSpan(prefixLength);
            var (side, time, id) = (suffix[0], FromOrdered(BinaryPrimitives.ReadUInt64BigEndian(suffix[1..])), BinaryPrimitives.ReadInt32BigEndian(suffix[9..]));
            if (id >= NextId)
            {
                continue; // written by a checkpoint whose head never landed: its row is read again from the input
            }

            var reader = new MessageReader(value);
            reader.ReadArrayHeader();
            var matched = reader.ReadBoolean();
            if (side == LeftSide)
            {
                Left.Add(new Waiting<TLeft>(time, TLeft.Serializer.Read(ref reader), matched, id));
            }
            else
            {
                Right.Add(new Waiting<TRight>(time, TRight.Serializer.Read(ref reader), matched, id));
            }
        }
    }

    private void Remove<T>(List<Waiting<T>> rows, byte side, int count)
    {
        for (var i = 0; i < count; i++)
        {
            // A row that never reached the store leaves nothing to delete.
            if (!unwritten.Remove((side, rows[i].Id)))
            {
                gone.Add((side, rows[i].Time, rows[i].Id));
            }
        }

        rows.RemoveRange(0, count);
    }

    /// <summary>A segment's key: the key's prefix, then side, time (ordered as unsigned bytes) and id, so the store keeps a side's rows in time order.</summary>
    private static byte[] KeyOf(byte[] prefix, byte side, long time, int id)
    {
        var key = new byte[prefix.Length + 13];
        prefix.CopyTo(key, 0);
        var suffix = key.AsSpan(prefix.Length);
        suffix[0] = side;
        BinaryPrimitives.WriteUInt64BigEndian(suffix[1..], (ulong)time ^ (1UL << 63));
        BinaryPrimitives.WriteInt32BigEndian(suffix[9..], id);
        return key;
    }

    private static long FromOrdered(ulong ordered) => (long)(ordered ^ (1UL << 63));

    /// <summary>A waiting row's segment (MessagePack): an array of its matched flag and the row (the contract's map).</summary>
    private static byte[] Encode<T>(Waiting<T> waiting, System.Buffers.ArrayBufferWriter<byte> buffer)
        where T : IMessageContract<T>
    {
        buffer.ResetWrittenCount();
        var writer = new MessageWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write(waiting.Matched);
        T.Serializer.Write(ref writer, waiting.Row);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The key's record (MessagePack): an array of layout version 2, the left and right data times and the next row id;
    /// the rows are segments. Version 1 held the rows themselves: read, its rows get ids and are written as segments at
    /// the next checkpoint.
    /// </summary>
    private sealed class JoinRowsSerializer : IMessageSerializer<JoinRows<TLeft, TRight>>
    {
        public static readonly JoinRowsSerializer Instance = new();
        private const int Version = 2;

        public MessageSchema Schema { get; } = new($"JoinRows<{TLeft.Serializer.Schema.Name}, {TRight.Serializer.Schema.Name}>", null, []);

        public byte[]? StreamKey(in JoinRows<TLeft, TRight> value) => null;

        public long? TimestampOf(in JoinRows<TLeft, TRight> value) => null;

        public JoinRows<TLeft, TRight> WithTimestamp(in JoinRows<TLeft, TRight> value, long nanoseconds) => value;

        // A join's state lives in its store and changelog only, always as MessagePack.
        public void WriteJson(System.Text.Json.Utf8JsonWriter writer, in JoinRows<TLeft, TRight> value) => throw new NotSupportedException();

        public JoinRows<TLeft, TRight> ReadJson(ref System.Text.Json.Utf8JsonReader reader) => throw new NotSupportedException();

        public void WriteAvro(ref AvroWriter writer, in JoinRows<TLeft, TRight> value) => throw new NotSupportedException();

        public JoinRows<TLeft, TRight> ReadAvro(ref AvroReader reader) => throw new NotSupportedException();

        public void WriteColumns(IColumnWriter writer, in JoinRows<TLeft, TRight> value) => throw new NotSupportedException();

        public void Write(ref MessageWriter writer, in JoinRows<TLeft, TRight> value)
        {
            writer.WriteArrayHeader(4);
            writer.Write(Version);
            writer.Write(value.LeftTime);
            writer.Write(value.RightTime);
            writer.Write(value.NextId);
        }

        public JoinRows<TLeft, TRight> Read(ref MessageReader reader)
        {
            var length = reader.ReadArrayHeader();
            var version = reader.ReadInt64();
            if ((length, version) is not ((4, 2) or (5, 1)))
            {
                throw new MessageFormatException($"Not the state of a join of {TLeft.Serializer.Schema.Name} and {TRight.Serializer.Schema.Name} (layout version {Version}).");
            }

            var rows = new JoinRows<TLeft, TRight> { LeftTime = reader.ReadInt64(), RightTime = reader.ReadInt64() };
            if (version == 2)
            {
                rows.NextId = reader.ReadInt32();
                return rows;
            }

            for (var count = reader.ReadArrayHeader(); count > 0; count--)
            {
                reader.ReadArrayHeader();
                var time = reader.ReadInt64();
                var matched = reader.ReadBoolean();
                rows.InsertLeft(rows.Left.Count, time, TLeft.Serializer.Read(ref reader), matched);
            }

            for (var count = reader.ReadArrayHeader(); count > 0; count--)
            {
                reader.ReadArrayHeader();
                var time = reader.ReadInt64();
                rows.InsertRight(rows.Right.Count, time, TRight.Serializer.Read(ref reader));
            }

            return rows;
        }

        public void WritePacked(ref MessageWriter writer, ReadOnlySpan<JoinRows<TLeft, TRight>> rows) => throw Unpacked();

        public int ReadPacked(ref MessageReader reader, List<JoinRows<TLeft, TRight>> rows) => throw Unpacked();

        private static NotSupportedException Unpacked() => new("A join's state is written one key at a time, never packed.");
    }
}

/// <summary>A row waiting in a join for rows of the other side: its timestamp (nanoseconds), whether it has matched one, and its id in its key's state.</summary>
internal readonly record struct Waiting<T>(long Time, T Row, bool Matched, int Id = 0);
