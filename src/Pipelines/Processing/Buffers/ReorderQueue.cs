using System.Diagnostics;

namespace Pipelines.Processing;

/// <summary>
/// Rows held for a reorder delay, kept in timestamp order (ties in arrival order). A row that has waited out the
/// delay raises the watermark to its timestamp, and every held row up to the watermark is released: a row that
/// arrives late, after newer rows were released, is thus released at the next look rather than held.
/// </summary>
internal sealed class ReorderQueue<T>(Func<T, long> timestampOf, Func<T, long> arrivalOf)
{
    private readonly List<T> sorted = [];
    private readonly Queue<(long Arrived, long Timestamp)> arrivals = new();
    private int head;

    public int Count => sorted.Count - head;

    public void Add(T item)
    {
        var timestamp = timestampOf(item);

        // Slightly late rows are the common case, so the place is searched from the newest end.
        var index = sorted.Count;
        while (index > head && timestampOf(sorted[index - 1]) > timestamp)
        {
            index--;
        }

        sorted.Insert(index, item);
        arrivals.Enqueue((arrivalOf(item), timestamp));
    }

    /// <summary>How many rows, from the first, may be released at <paramref name="now"/> on <paramref name="time"/>.</summary>
    public int CountReleasable(long now, TimeSpan delay, TimeProvider time, ref long? watermark)
    {
        while (arrivals.TryPeek(out var arrival) && time.GetElapsedTime(arrival.Arrived, now) >= delay)
        {
            arrivals.Dequeue();
            watermark = watermark is { } mark ? Math.Max(mark, arrival.Timestamp) : arrival.Timestamp;
        }

        if (watermark is not { } limit)
        {
            return 0;
        }

        var count = 0;
        while (head + count < sorted.Count && timestampOf(sorted[head + count]) <= limit)
        {
            count++;
        }

        return count;
    }

    public T TakeFirst()
    {
        var item = sorted[head];
        sorted[head++] = default!;
        if (head == sorted.Count)
        {
            sorted.Clear();
            arrivals.Clear();
            head = 0;
        }
        else if (head > 1024 && head > sorted.Count / 2)
        {
            sorted.RemoveRange(0, head);
            head = 0;
        }

        return item;
    }

    public void Clear()
    {
        sorted.Clear();
        arrivals.Clear();
        head = 0;
    }
}
