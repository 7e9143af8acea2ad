using CsCheck;
using Pipelines.Infrastructure;

namespace Pipelines.Tests.Windows;

/// <summary>
/// Window placement against a reference computed from the rows alone, over random sizes, hops, gaps, grace periods
/// and arrival orders (CsCheck shrinks a failure to a small case).
/// </summary>
public class WindowPropertyTests
{
    private const long Millisecond = 1_000_000;

    // Rows arrive in any order, on either side of the epoch; times, sizes and gaps are small so that rows fall
    // exactly on window edges, gaps and grace periods often.
    private static readonly Gen<long[]> Times = Gen.Long[-300, 300].Array[1, 60];

    [Fact]
    public void Tumbling_and_hopping_windows_hold_exactly_the_rows_in_their_span()
    {
        Gen.Select(Gen.Long[1, 25], Gen.Int[1, 4], Times).Sample((hop, hopsPerWindow, times) =>
        {
            var size = hop * hopsPerWindow;
            var windows = new WindowHarness(new WindowDefinition
            {
                Kind = hopsPerWindow == 1 ? WindowKind.Tumbling : WindowKind.Hopping,
                Size = TimeSpan.FromMilliseconds(size),
                Hop = TimeSpan.FromMilliseconds(hop),
                Grace = TimeSpan.FromDays(1),
                CloseAfterIdle = TimeSpan.FromSeconds(1),
            });

            var results = times.SelectMany(t => windows.Add("k", t * Millisecond)).ToList();
            results.AddRange(CloseAll(windows));

            var expected = new Dictionary<(long, long), long>();
            foreach (var t in times)
            {
                for (var start = FloorDiv(t, hop) * hop; start > t - size; start -= hop)
                {
                    expected[(start * Millisecond, (start + size) * Millisecond)] = expected.GetValueOrDefault((start * Millisecond, (start + size) * Millisecond)) + 1;
                }
            }

            Assert.Equal(expected.OrderBy(e => e.Key), results.Select(r => KeyValuePair.Create((r.Start, r.End), r.Count)).OrderBy(e => e.Key));
        }, iter: 300);
    }

    [Fact]
    public void A_tumbling_row_is_late_exactly_when_its_window_ended_a_grace_period_before_the_keys_latest_row()
    {
        Gen.Select(Gen.Long[1, 50], Gen.Long[0, 50], Times).Sample((size, grace, times) =>
        {
            var windows = new WindowHarness(new WindowDefinition
            {
                Kind = WindowKind.Tumbling,
                Size = TimeSpan.FromMilliseconds(size),
                Grace = TimeSpan.FromMilliseconds(grace),
                CloseAfterIdle = TimeSpan.FromSeconds(1),
            });

            var results = new List<WindowResult>();
            var expected = new Dictionary<long, long>();
            var latest = long.MinValue;
            foreach (var t in times)
            {
                latest = Math.Max(latest, t);
                var start = FloorDiv(t, size) * size;
                var late = start + size + grace <= latest;
                try
                {
                    results.AddRange(windows.Add("k", t * Millisecond));
                    Assert.False(late, $"the row at {t} ms was taken, with its window ending {start + size} ms and the latest row at {latest} ms");
                    expected[start * Millisecond] = expected.GetValueOrDefault(start * Millisecond) + 1;
                }
                catch (LateRowException)
                {
                    Assert.True(late, $"the row at {t} ms was refused, with its window ending {start + size} ms and the latest row at {latest} ms");
                }
            }

            results.AddRange(CloseAll(windows));
            Assert.Equal(expected.OrderBy(e => e.Key), results.Select(r => KeyValuePair.Create(r.Start, r.Count)).OrderBy(e => e.Key));
        }, iter: 300);
    }

    [Fact]
    public void Session_windows_are_the_runs_of_rows_at_most_a_gap_apart_whatever_order_they_arrive_in()
    {
        Gen.Select(Gen.Long[1, 50], Times).Sample((gap, times) =>
        {
            var windows = new WindowHarness(new WindowDefinition
            {
                Kind = WindowKind.Session,
                Size = TimeSpan.FromMilliseconds(gap),
                Grace = TimeSpan.FromDays(1),
                CloseAfterIdle = TimeSpan.FromSeconds(1),
            });

            var results = times.SelectMany(t => windows.Add("k", t * Millisecond, t)).ToList();
            results.AddRange(CloseAll(windows));

            var expected = new List<(long Start, long End, long Count, double Sum)>();
            foreach (var t in times.Order())
            {
                if (expected.Count > 0 && t - expected[^1].End / Millisecond <= gap)
                {
                    var last = expected[^1];
                    expected[^1] = (last.Start, t * Millisecond, last.Count + 1, last.Sum + t);
                }
                else
                {
                    expected.Add((t * Millisecond, t * Millisecond, 1, t));
                }
            }

            Assert.Equal(expected, results.Select(r => (r.Start, r.End, r.Count, r.Sum)).Order());
        }, iter: 300);
    }

    [Fact]
    public void A_sliding_row_writes_the_rows_in_the_size_before_it_that_arrived_before_it_and_is_late_only_beyond_the_grace()
    {
        Gen.Select(Gen.Long[1, 50], Gen.Long[0, 50], Times).Sample((size, grace, times) =>
        {
            var windows = new WindowHarness(new WindowDefinition
            {
                Kind = WindowKind.Sliding,
                Size = TimeSpan.FromMilliseconds(size),
                Grace = TimeSpan.FromMilliseconds(grace),
                Emit = WindowEmit.OnUpdate,
            });

            var taken = new List<long>();
            var latest = long.MinValue;
            foreach (var t in times)
            {
                var late = taken.Count > 0 && t < latest - grace;
                try
                {
                    var written = Assert.Single(windows.Add("k", t * Millisecond, t));
                    Assert.False(late, $"the row at {t} ms was taken with the latest at {latest} ms");
                    taken.Add(t);
                    latest = Math.Max(latest, t);
                    var inWindow = taken.Where(x => x > t - size && x <= t).ToList();
                    Assert.Equal(((t - size) * Millisecond, t * Millisecond, (long)inWindow.Count, (double)inWindow.Sum()), (written.Start, written.End, written.Count, written.Sum));
                }
                catch (LateRowException)
                {
                    Assert.True(late, $"the row at {t} ms was refused with the latest at {latest} ms");
                }
            }
        }, iter: 300);
    }

    private static long FloorDiv(long value, long divisor) => (value / divisor) - (value % divisor < 0 ? 1 : 0);

    private static IEnumerable<WindowResult> CloseAll(WindowHarness windows)
    {
        windows.Time.Advance(TimeSpan.FromSeconds(1));
        return windows.CloseIdle().SelectMany(c => c.Results);
    }
}
