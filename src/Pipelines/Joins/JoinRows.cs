using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// A joining processor's state for one stream key: the rows of each side that may still match a row of the other,
/// in order of timestamp, and each side's data time (its latest row's timestamp). Kept in the processor's keyed state,
/// so it survives restarts and moves with its partition.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <typeparam name="TLeft">The first input's contract.</typeparam>
/// <typeparam name="TRight">The second input's contract.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class JoinRows<TLeft, TRight> : IMessageContract<JoinRows<TLeft, TRight>>
    where TLeft : IMessageContract<TLeft>
    where TRight : IMessageContract<TRight>
{
    /// <summary>How many rows wait, of both sides.</summary>
    public int Count => Left.Count + Right.Count;

    static IMessageSerializer<JoinRows<TLeft, TRight>> IMessageContract<JoinRows<TLeft, TRight>>.Serializer => JoinRowsSerializer.Instance;

    /// <summary>The latest left row's timestamp (nanoseconds), or <see cref="long.MinValue"/> before the first.</summary>
    internal long LeftTime { get; set; } = long.MinValue;

    /// <summary>The latest right row's timestamp (nanoseconds), or <see cref="long.MinValue"/> before the first.</summary>
    internal long RightTime { get; set; } = long.MinValue;

    internal List<Waiting<TLeft>> Left { get; } = [];

    internal List<Waiting<TRight>> Right { get; } = [];

    /// <summary>
    /// Layout (MessagePack): an array of version 1, the left and right data times, the left rows as arrays of
    /// timestamp, matched flag and row (the contract's map), and the right rows as arrays of timestamp and row.
    /// </summary>
    private sealed class JoinRowsSerializer : IMessageSerializer<JoinRows<TLeft, TRight>>
    {
        public static readonly JoinRowsSerializer Instance = new();
        private const int Version = 1;

        public MessageSchema Schema { get; } = new($"JoinRows<{TLeft.Serializer.Schema.Name}, {TRight.Serializer.Schema.Name}>", null, []);

        public byte[]? StreamKey(in JoinRows<TLeft, TRight> value) => null;

        public long? TimestampOf(in JoinRows<TLeft, TRight> value) => null;

        public void Write(ref MessageWriter writer, in JoinRows<TLeft, TRight> value)
        {
            writer.WriteArrayHeader(5);
            writer.Write(Version);
            writer.Write(value.LeftTime);
            writer.Write(value.RightTime);
            writer.WriteArrayHeader(value.Left.Count);
            foreach (var left in value.Left)
            {
                writer.WriteArrayHeader(3);
                writer.Write(left.Time);
                writer.Write(left.Matched);
                TLeft.Serializer.Write(ref writer, left.Row);
            }

            writer.WriteArrayHeader(value.Right.Count);
            foreach (var right in value.Right)
            {
                writer.WriteArrayHeader(2);
                writer.Write(right.Time);
                TRight.Serializer.Write(ref writer, right.Row);
            }
        }

        public JoinRows<TLeft, TRight> Read(ref MessageReader reader)
        {
            if (reader.ReadArrayHeader() != 5 || reader.ReadInt64() != Version)
            {
                throw new MessageFormatException($"Not the state of a join of {TLeft.Serializer.Schema.Name} and {TRight.Serializer.Schema.Name} (layout version {Version}).");
            }

            var rows = new JoinRows<TLeft, TRight> { LeftTime = reader.ReadInt64(), RightTime = reader.ReadInt64() };
            for (var count = reader.ReadArrayHeader(); count > 0; count--)
            {
                reader.ReadArrayHeader();
                var time = reader.ReadInt64();
                var matched = reader.ReadBoolean();
                rows.Left.Add(new Waiting<TLeft>(time, TLeft.Serializer.Read(ref reader), matched));
            }

            for (var count = reader.ReadArrayHeader(); count > 0; count--)
            {
                reader.ReadArrayHeader();
                var time = reader.ReadInt64();
                rows.Right.Add(new Waiting<TRight>(time, TRight.Serializer.Read(ref reader), false));
            }

            return rows;
        }

        public void WritePacked(ref MessageWriter writer, ReadOnlySpan<JoinRows<TLeft, TRight>> rows) => throw Unpacked();

        public int ReadPacked(ref MessageReader reader, List<JoinRows<TLeft, TRight>> rows) => throw Unpacked();

        private static NotSupportedException Unpacked() => new("A join's state is written one key at a time, never packed.");
    }
}

/// <summary>A row waiting in a join for rows of the other side: its timestamp (nanoseconds) and whether it has matched one.</summary>
internal readonly record struct Waiting<T>(long Time, T Row, bool Matched);
