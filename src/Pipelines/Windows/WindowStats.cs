using System.Buffers.Binary;

namespace Pipelines;

/// <summary>
/// What a window keeps of one numeric parameter without a hand-written accumulator (<see cref="WindowAttribute.Of"/>):
/// how many rows, their sum, minimum, maximum, and the values of the first and last rows in data time.
/// </summary>
/// <param name="Count">How many rows the window took.</param>
/// <param name="Sum">Their sum.</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
/// <param name="First">The value of the earliest row (by timestamp; the first to arrive among equal timestamps).</param>
/// <param name="Last">The value of the latest row (by timestamp; the last to arrive among equal timestamps).</param>
/// <param name="FirstTimestamp">The earliest row's timestamp.</param>
/// <param name="LastTimestamp">The latest row's timestamp.</param>
public readonly record struct WindowStats(long Count, double Sum, double Min, double Max, double First, double Last, long FirstTimestamp, long LastTimestamp)
{
    /// <summary>The mean value; NaN for a window without rows.</summary>
    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>These statistics with one more row, of <paramref name="value"/> at <paramref name="timestamp"/>.</summary>
    public WindowStats Add(double value, long timestamp) => Count == 0
        ? new(1, value, value, value, value, value, timestamp, timestamp)
        : new(
            Count + 1,
            Sum + value,
            Math.Min(Min, value),
            Math.Max(Max, value),
            timestamp < FirstTimestamp ? value : First,
            timestamp >= LastTimestamp ? value : Last,
            Math.Min(FirstTimestamp, timestamp),
            Math.Max(LastTimestamp, timestamp));

    /// <summary>The statistics of two windows' rows together (sessions that merge).</summary>
    public WindowStats Merge(WindowStats other) => other.Count == 0 ? this : Count == 0 ? other : new(
        Count + other.Count,
        Sum + other.Sum,
        Math.Min(Min, other.Min),
        Math.Max(Max, other.Max),
        other.FirstTimestamp < FirstTimestamp ? other.First : First,
        other.LastTimestamp >= LastTimestamp ? other.Last : Last,
        Math.Min(FirstTimestamp, other.FirstTimestamp),
        Math.Max(LastTimestamp, other.LastTimestamp));

    // In the window state (docs/wire-format.md): eight big-endian numbers: count, sum, min, max, first, last, first and last timestamps.
    internal static byte[] Encode(WindowStats stats)
    {
        var bytes = new byte[64];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, stats.Count);
        BinaryPrimitives.WriteDoubleBigEndian(span[8..], stats.Sum);
        BinaryPrimitives.WriteDoubleBigEndian(span[16..], stats.Min);
        BinaryPrimitives.WriteDoubleBigEndian(span[24..], stats.Max);
        BinaryPrimitives.WriteDoubleBigEndian(span[32..], stats.First);
        BinaryPrimitives.WriteDoubleBigEndian(span[40..], stats.Last);
        BinaryPrimitives.WriteInt64BigEndian(span[48..], stats.FirstTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[56..], stats.LastTimestamp);
        return bytes;
    }

    internal static WindowStats Decode(byte[] bytes)
    {
        if (bytes.Length != 64)
        {
            throw new FormatException($"Window statistics take 64 bytes, not {bytes.Length}.");
        }

        var span = bytes.AsSpan();
        return new WindowStats(
            BinaryPrimitives.ReadInt64BigEndian(span),
            BinaryPrimitives.ReadDoubleBigEndian(span[8..]),
            BinaryPrimitives.ReadDoubleBigEndian(span[16..]),
            BinaryPrimitives.ReadDoubleBigEndian(span[24..]),
            BinaryPrimitives.ReadDoubleBigEndian(span[32..]),
            BinaryPrimitives.ReadDoubleBigEndian(span[40..]),
            BinaryPrimitives.ReadInt64BigEndian(span[48..]),
            BinaryPrimitives.ReadInt64BigEndian(span[56..]));
    }
}
