using System.Buffers.Binary;

namespace Pipelines.Windows;

/// <summary>
/// One stream key's windows: its data time so far, up to where its windows have closed, and the open ones, by start.
/// A value of the windowed processor's keyed state; changed in place, only once the user's code for a row has run
/// without throwing, so a failed call has nothing to undo.
/// </summary>
internal sealed class KeyWindows<TAcc>
{
    /// <summary>The latest timestamp of the key's rows, in nanoseconds; <see cref="long.MinValue"/> before the first.</summary>
    public long StreamTime { get; set; } = long.MinValue;

    /// <summary>Rows before this time (nanoseconds) can only fall in windows that have closed: they are late.</summary>
    public long ClosedUpTo { get; set; } = long.MinValue;

    /// <summary>The open windows, by start.</summary>
    public List<OpenWindow<TAcc>> Open { get; } = [];

    /// <summary>In memory only: when the key's last row arrived, on the processor's <see cref="TimeProvider"/>.</summary>
    public long LastSeen { get; set; }

    /// <summary>In memory only: the key's partition.</summary>
    public int Partition { get; set; }

    /// <summary>In memory only: the stream key.</summary>
    public byte[] Key { get; set; } = [];

    /// <summary>
    /// The layout in the store and changelog (docs/wire-format.md, "Window state"): version 1, stream time and closed-up-to
    /// as int64, the count of open windows as int32, then each window's start and end as int64 and its accumulator as
    /// an int32 length and bytes; big-endian throughout.
    /// </summary>
    public static byte[] Encode(KeyWindows<TAcc> windows, Func<TAcc, byte[]> encodeAccumulator)
    {
        var accumulators = new byte[windows.Open.Count][];
        var length = 1 + 8 + 8 + 4;
        for (var i = 0; i < accumulators.Length; i++)
        {
            accumulators[i] = encodeAccumulator(windows.Open[i].Accumulator);
            length += 8 + 8 + 4 + accumulators[i].Length;
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], windows.StreamTime);
        BinaryPrimitives.WriteInt64BigEndian(span[9..], windows.ClosedUpTo);
        BinaryPrimitives.WriteInt32BigEndian(span[17..], accumulators.Length);
        var at = 21;
        for (var i = 0; i < accumulators.Length; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[at..], windows.Open[i].Start);
            BinaryPrimitives.WriteInt64BigEndian(span[(at + 8)..], windows.Open[i].End);
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 16)..], accumulators[i].Length);
            accumulators[i].CopyTo(span[(at + 20)..]);
            at += 20 + accumulators[i].Length;
        }

        return bytes;
    }

    /// <summary>Reads what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="FormatException">The bytes are not window state.</exception>
    public static KeyWindows<TAcc> Decode(byte[] bytes, Func<byte[], TAcc> decodeAccumulator)
    {
        var span = bytes.AsSpan();
        if (span.Length < 21 || span[0] != 1)
        {
            throw new FormatException($"Window state of {span.Length} bytes{(span.Length > 0 ? $" and version {span[0]}" : "")} is not version 1 of the layout.");
        }

        var windows = new KeyWindows<TAcc>
        {
            StreamTime = BinaryPrimitives.ReadInt64BigEndian(span[1..]),
            ClosedUpTo = BinaryPrimitives.ReadInt64BigEndian(span[9..]),
        };
        var count = BinaryPrimitives.ReadInt32BigEndian(span[17..]);
        var at = 21;
        for (var i = 0; i < count; i++)
        {
            if (span.Length < at + 20)
            {
                throw new FormatException($"Window state ends inside window {i} of {count}.");
            }

            var start = BinaryPrimitives.ReadInt64BigEndian(span[at..]);
            var end = BinaryPrimitives.ReadInt64BigEndian(span[(at + 8)..]);
            var length = BinaryPrimitives.ReadInt32BigEndian(span[(at + 16)..]);
            if (length < 0 || span.Length < at + 20 + length)
            {
                throw new FormatException($"Window state's accumulator {i} of {count} claims {length} bytes; {span.Length - at - 20} remain.");
            }

            windows.Open.Add(new OpenWindow<TAcc>(start, end, decodeAccumulator(span.Slice(at + 20, length).ToArray())));
            at += 20 + length;
        }

        return windows;
    }
}

/// <summary>An open window: its span in nanoseconds and what it has gathered.</summary>
internal record struct OpenWindow<TAcc>(long Start, long End, TAcc Accumulator);
