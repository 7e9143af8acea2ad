using Unbounded = System.Threading.Channels.Channel;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Sources;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Sources;

/// <summary>
/// The pace of a replay on a fake clock: each row waits until as much time has passed since the first as between their
/// timestamps (divided by the speed); rows out of order, or as fast as possible, do not wait; shifted rows are stamped from now.
/// </summary>
public sealed class ReplayPaceTests : IDisposable
{
    private static readonly DateTimeOffset Recorded = new(2024, 12, 7, 5, 0, 0, TimeSpan.Zero);
    private readonly string directory = Directory.CreateTempSubdirectory("pipelines-pace-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task At_twice_the_recorded_pace_each_row_waits_for_half_its_distance_from_the_first()
    {
        // Rows at 0 s, 1 s, 3 s, then one recorded earlier than the last (written at once), then 3 s again.
        var file = Session(0, 1_000, 3_000, 2_000, 3_000);
        var clock = new WatchedClock(Recorded.AddDays(1));
        var written = new List<long>();
        var replay = new ReplaySource<CarTelemetry>(file, new ReplayOptions { Pace = ReplayPace.Timestamps, Speed = 2, TimeProvider = clock })
            .ForEachAsync(row => written.Add(row.TimestampNs));

        Assert.Equal(TimeSpan.FromMilliseconds(500), await clock.NextWait());
        Assert.Single(written);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(TimeSpan.FromMilliseconds(1_000), await clock.NextWait());
        Assert.Equal(2, written.Count);
        clock.Advance(TimeSpan.FromMilliseconds(1_000));
        var last = await replay.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([0, 1_000, 3_000, 2_000, 3_000], written.Select(Milliseconds));
        Assert.Equal(2, clock.Waits);
        Assert.Equal((5L, TimeSpan.FromMilliseconds(1_500), Recorded.AddSeconds(3)), (last.Rows, last.Elapsed, last.DataTime));
    }

    [Fact]
    public async Task As_fast_as_possible_never_waits_and_shifted_rows_start_now_keeping_their_spacing()
    {
        var file = Session(0, 60_000, 120_000);
        var now = Recorded.AddDays(30);
        var clock = new WatchedClock(now);
        var written = new List<long>();

        await new ReplaySource<CarTelemetry>(file, new ReplayOptions { ShiftTimestamps = true, TimeProvider = clock }).ForEachAsync(row => written.Add(row.TimestampNs));

        Assert.Equal(0, clock.Waits);
        Assert.Equal([now, now.AddMinutes(1), now.AddMinutes(2)], written.Select(UnixNanoseconds.ToDateTimeOffset));
    }

    private static long Milliseconds(long timestamp) => (long)(UnixNanoseconds.ToDateTimeOffset(timestamp) - Recorded).TotalMilliseconds;

    private string Session(params long[] milliseconds)
    {
        var path = Path.Combine(directory, "session.csv");
        File.WriteAllLines(path, ["TimestampNs,CarId", .. milliseconds.Select(ms => $"{UnixNanoseconds.FromDateTimeOffset(Recorded.AddMilliseconds(ms))},car-1")]);
        return path;
    }

    /// <summary>A fake clock that says each time the replay starts waiting, and for how long.</summary>
    private sealed class WatchedClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly System.Threading.Channels.Channel<TimeSpan> waits = Unbounded.CreateUnbounded<TimeSpan>();

        public int Waits { get; private set; }

        public async Task<TimeSpan> NextWait() => await waits.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Waits++;
                waits.Writer.TryWrite(dueTime);
            }

            return timer;
        }
    }
}
