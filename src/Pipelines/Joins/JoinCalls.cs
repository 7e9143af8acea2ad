using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// What a joining processor's generated row handler calls: takes a row of either input into its key's
/// <see cref="JoinRows{TLeft, TRight}"/> and hands each match to the processor. Every call to the processor happens
/// before the state changes, so a call that fails (and is retried, or rejected) leaves the state as it was.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JoinCalls
{
    /// <exception cref="LateRowException">The row is older than its side's latest by more than the join's grace.</exception>
    /// <exception cref="MessageFormatException">The row has no timestamp.</exception>
    public static ValueTask HandleAsync<TLeft, TRight, TOut>(
        Merged<TLeft, TRight> row, State<JoinRows<TLeft, TRight>> state, JoinDefinition join, IJoinHandler<TLeft, TRight, TOut> handler, Outputs<TOut> outputs)
        where TLeft : IMessageContract<TLeft>
        where TRight : IMessageContract<TRight>
        where TOut : IMessageContract<TOut>
    {
        var rows = state.HasValue ? state.Value : new JoinRows<TLeft, TRight>();
        var joining = new Joining<TLeft, TRight, TOut>(rows, join, handler, outputs);
        switch (join.Kind, row.Input)
        {
            case (JoinKind.Interval, 0):
                joining.IntervalLeft(row.First!);
                break;
            case (JoinKind.Interval, _):
                joining.IntervalRight(row.Second!);
                break;
            case (_, 0):
                joining.AsOfLeft(row.First!);
                break;
            default:
                joining.AsOfRight(row.Second!);
                break;
        }

        state.Value = rows;
        return default;
    }
}

/// <summary>One row taken into a key's join: find its matches, hand them over, then change the state.</summary>
internal readonly struct Joining<TLeft, TRight, TOut>(JoinRows<TLeft, TRight> rows, JoinDefinition join, IJoinHandler<TLeft, TRight, TOut> handler, Outputs<TOut> outputs)
    where TLeft : IMessageContract<TLeft>
    where TRight : IMessageContract<TRight>
    where TOut : IMessageContract<TOut>
{
    private readonly long within = join.WithinNanoseconds;
    private readonly long grace = join.GraceNanoseconds;

    /// <summary>A left row: every right row within the interval of it; it waits for right rows still to come.</summary>
    public void IntervalLeft(TLeft left)
    {
        var time = TimeOf(left, KeyTime);
        var (from, to) = Between(rows.Right, time - within, time + within);
        for (var i = from; i < to; i++)
        {
            Emit(left, rows.Right[i].Row);
        }

        var (leftGone, rightGone) = Expiring(time);
        rows.LeftTime = Math.Max(rows.LeftTime, time);
        rows.InsertLeft(PlaceOf(rows.Left, time), time, left, to > from);
        rows.RemoveLeft(leftGone);
        rows.RemoveRight(rightGone);
    }

    /// <summary>A right row: every left row within the interval of it; it waits for left rows still to come.</summary>
    public void IntervalRight(TRight right)
    {
        var time = TimeOf(right, KeyTime);
        var (from, to) = Between(rows.Left, time - within, time + within);
        for (var i = from; i < to; i++)
        {
            Emit(rows.Left[i].Row, right);
        }

        var (leftGone, rightGone) = Expiring(time);
        rows.RightTime = Math.Max(rows.RightTime, time);
        for (var i = from; i < to; i++)
        {
            rows.MatchLeft(i);
        }

        rows.InsertRight(PlaceOf(rows.Right, time), time, right);
        rows.RemoveLeft(leftGone);
        rows.RemoveRight(rightGone);
    }

    /// <summary>The key's data time: its latest row of either input.</summary>
    private long KeyTime => Math.Max(rows.LeftTime, rows.RightTime);

    /// <summary>
    /// How many rows of each side leave once the key's data time is at least <paramref name="time"/>: those older than
    /// it by more than the interval and the grace, which no row still to come can match (an older one would be late).
    /// In a left join, the left rows among them that never matched are handed over first, unmatched.
    /// </summary>
    private (int Left, int Right) Expiring(long time)
    {
        var cutoff = Math.Max(KeyTime, time) - within - grace;
        var left = Before(rows.Left, cutoff);
        for (var i = 0; join.KeepsUnmatched && i < left; i++)
        {
            if (!rows.Left[i].Matched)
            {
                Emit(rows.Left[i].Row, default);
            }
        }

        return (left, Before(rows.Right, cutoff));
    }

    /// <summary>A left row: the latest right row at or before it, within the tolerance.</summary>
    public void AsOfLeft(TLeft left)
    {
        var time = TimeOf(left, rows.LeftTime);
        var last = Before(rows.Right, time + 1) - 1;
        if (last >= 0 && time - rows.Right[last].Time <= within)
        {
            Emit(left, rows.Right[last].Row);
        }
        else if (join.KeepsUnmatched)
        {
            Emit(left, default);
        }

        rows.LeftTime = Math.Max(rows.LeftTime, time);
        rows.RemoveRight(Before(rows.Right, rows.LeftTime - grace - within));
    }

    /// <summary>A right row: kept for the left rows to come (it produces nothing by itself).</summary>
    public void AsOfRight(TRight right)
    {
        var time = TimeOf(right, long.MinValue); // out of order is harmless here: it is placed by its time
        rows.RightTime = Math.Max(rows.RightTime, time);
        if (rows.LeftTime == long.MinValue || time >= rows.LeftTime - grace - within)
        {
            rows.InsertRight(PlaceOf(rows.Right, time), time, right);
        }
    }

    private void Emit(TLeft left, TRight? right) => _ = outputs.Add(handler.Join(left, right));

    /// <summary>The row's timestamp; a row behind <paramref name="sideTime"/> (the data time the join measures it by) by more than the grace is late.</summary>
    private long TimeOf<T>(T row, long sideTime)
        where T : IMessageContract<T>
    {
        var time = T.Serializer.TimestampOf(row) ?? throw new MessageFormatException($"A {typeof(T).Name} row has no timestamp, so it cannot be joined by time.");
        if (sideTime != long.MinValue && time < sideTime - grace)
        {
            throw new LateRowException(
                $"A {typeof(T).Name} row at {Format(time)} came when its key's data time was already {Format(sideTime)}, more than the join's grace ({join.Grace}) later: rows it could have matched may be gone.");
        }

        return time;
    }

    private static string Format(long nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The range of <paramref name="waiting"/> (ordered by time) with times from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    private static (int From, int To) Between<T>(List<Waiting<T>> waiting, long from, long to) =>
        (Before(waiting, from), Before(waiting, to == long.MaxValue ? to : to + 1));

    /// <summary>How many of <paramref name="waiting"/> (ordered by time) are before <paramref name="time"/>.</summary>
    private static int Before<T>(List<Waiting<T>> waiting, long time)
    {
        int low = 0, high = waiting.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (waiting[middle].Time < time)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Where a row of <paramref name="time"/> goes in time order: after rows of the same time (so the latest read of a time is the last).</summary>
    private static int PlaceOf<T>(List<Waiting<T>> waiting, long time) =>
        time == long.MaxValue ? waiting.Count : Before(waiting, time + 1);
}
