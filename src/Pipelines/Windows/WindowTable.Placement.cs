using System.Runtime.InteropServices;

namespace Pipelines.Windows;

/// <summary>Where a row goes, by the kind of window: the windows it updates, and the accumulators it makes for them.</summary>
internal sealed partial class WindowTable<TIn, TAcc, TOut>
{
    /// <summary>
    /// A sliding row: writes the window of <see cref="WindowDefinition.Size"/> that ends at it, (t − size, t], over the
    /// key's rows so far. The key keeps one accumulator per timestamp for as long as a row within the grace period
    /// could still need it; a row more than the grace period behind the key's time is late.
    /// </summary>
    private void Slide(TIn row, KeyWindows<TAcc>? windows, long timestamp, Outputs<TOut> outputs)
    {
        var previous = windows?.StreamTime ?? long.MinValue;
        if (windows is not null && timestamp < previous - grace)
        {
            throw Late(timestamp, previous, long.MinValue);
        }

        // The user's code first (it may throw): this timestamp's accumulator, then the window's, oldest first.
        var open = windows?.Open ?? [];
        var at = IndexOf(open, timestamp);
        var own = functions.Aggregate(functions.Empty(), row);
        var entry = at >= 0 ? functions.Merge(open[at].Accumulator, own) : own;
        var result = default(TAcc)!;
        var any = false;
        for (var i = 0; i < open.Count && open[i].Start < timestamp; i++)
        {
            if (open[i].Start > timestamp - size)
            {
                result = any ? functions.Merge(result, open[i].Accumulator) : open[i].Accumulator;
                any = true;
            }
        }

        result = any ? functions.Merge(result, entry) : entry;

        if (windows is null)
        {
            windows = new KeyWindows<TAcc>();
            keyed.Set(windows);
        }

        (windows.Partition, windows.Key) = (keyed.Partition, keyed.Key);
        windows.StreamTime = Math.Max(previous, timestamp);
        if (at >= 0)
        {
            CollectionsMarshal.AsSpan(windows.Open)[at].Accumulator = entry;
        }
        else
        {
            windows.Open.Insert(~at, new OpenWindow<TAcc>(timestamp, timestamp, entry));
        }

        // What no row within the grace period can reach any more.
        var kept = 0;
        while (kept < windows.Open.Count && windows.Open[kept].Start <= windows.StreamTime - grace - size)
        {
            kept++;
        }

        windows.Open.RemoveRange(0, kept);
        Emit(windows, new OpenWindow<TAcc>(timestamp - size, timestamp, result), outputs);
        Watch(windows);
    }

    /// <summary>A tumbling or hopping row: the new accumulators of its windows that are still open, into <see cref="updates"/>.</summary>
    private (long, long, (int Start, int Count)) Fixed(TIn row, KeyWindows<TAcc>? windows, long timestamp, long streamTime, long closedUpTo)
    {
        // The latest window holding the row starts at the hop boundary at or before it; earlier ones every hop before.
        var last = timestamp - Mod(timestamp, hop);
        for (var start = last; start > timestamp - size; start -= hop)
        {
            var end = start + size;
            if (end <= closedUpTo || end + grace <= streamTime)
            {
                continue;
            }

            var at = windows is null ? -1 : IndexOf(windows.Open, start);
            var accumulator = at >= 0 ? windows!.Open[at].Accumulator : functions.Empty();
            updates.Add((start, functions.Aggregate(accumulator, row)));
        }

        if (updates.Count == 0)
        {
            throw Late(timestamp, streamTime, closedUpTo);
        }

        updates.Reverse(); // by start
        return default;
    }

    /// <summary>A session row: the accumulator of the session it joins (merging any it bridges), into <see cref="updates"/>.</summary>
    private (long Start, long End, (int Start, int Count) Merged) Session(TIn row, KeyWindows<TAcc>? windows, long timestamp, long streamTime, long closedUpTo)
    {
        var gap = size;
        if (timestamp < closedUpTo)
        {
            throw Late(timestamp, streamTime, closedUpTo);
        }

        // Sessions are more than a gap apart, so the ones within a gap of the row are adjacent.
        var (first, count, start, end) = (0, 0, timestamp, timestamp);
        var accumulator = default(TAcc)!;
        var open = windows?.Open ?? [];
        for (var i = 0; i < open.Count; i++)
        {
            var session = open[i];
            if (session.End + gap < timestamp)
            {
                first = i + 1;
                continue;
            }

            if (session.Start - gap > timestamp)
            {
                break;
            }

            accumulator = count == 0 ? session.Accumulator : functions.Merge(accumulator, session.Accumulator);
            (start, end) = (Math.Min(start, session.Start), Math.Max(end, session.End));
            count++;
        }

        // A row that joins no open session starts one, unless that one would have closed already.
        if (count == 0 && timestamp + gap + grace <= streamTime)
        {
            throw Late(timestamp, streamTime, closedUpTo);
        }

        updates.Add((start, functions.Aggregate(count == 0 ? functions.Empty() : accumulator, row)));
        return (start, end, (first, count));
    }

    private static int IndexOf(List<OpenWindow<TAcc>> open, long start)
    {
        var (low, high) = (0, open.Count - 1);
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var found = open[middle].Start;
            if (found == start)
            {
                return middle;
            }

            (low, high) = found < start ? (middle + 1, high) : (low, middle - 1);
        }

        return ~low;
    }

    private static long Mod(long value, long divisor)
    {
        var remainder = value % divisor;
        return remainder < 0 ? remainder + divisor : remainder;
    }
}
