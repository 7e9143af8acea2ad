using Pipelines.Infrastructure;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Joins;

/// <summary>A key's join in memory: which pairs meet, when rows leave, what a left join hands over, late rows, failures, the state's layout.</summary>
public class JoiningTests
{
    private const long Second = 1_000_000_000;

    private readonly JoinRows<CarTelemetry, SensorReading> rows = new();
    private readonly Outputs<CarTelemetry> outputs = new();

    private static JoinDefinition Interval(bool left = false, long grace = Second) => new() { Kind = JoinKind.Interval, Within = TimeSpan.FromSeconds(1), Grace = TimeSpan.FromTicks(grace / 100), KeepsUnmatched = left };

    private static JoinDefinition AsOf(bool left = false) => new() { Kind = JoinKind.AsOf, Within = TimeSpan.FromSeconds(5), KeepsUnmatched = left };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_interval_pairs_rows_exactly_within_apart_but_not_a_nanosecond_more_whichever_side_comes_first(bool leftFirst)
    {
        var join = Interval(grace: 2 * Second); // the right row may come after left rows a second ahead of it
        var lefts = new[] { 0, 2 * Second, 2 * Second + 1 };
        var right = 1 * Second;
        if (leftFirst)
        {
            Array.ForEach(lefts, t => Left(join, t));
            Right(join, right);
        }
        else
        {
            Right(join, right);
            Array.ForEach(lefts, t => Left(join, t));
        }

        Assert.Equal(["0~1000000000", "2000000000~1000000000"], Pairs().Order());
    }

    [Fact]
    public void Rows_leave_once_the_other_side_has_passed_their_reach_so_the_state_stays_within_the_interval()
    {
        var join = Interval();
        for (var t = 0L; t < 60 * Second; t += Second / 100)
        {
            Left(join, t);
            Right(join, t);
        }

        // 100 Hz a side, one second either way and a second's grace: about 200 rows a side wait, not 6,000.
        Assert.InRange(rows.Count, 2 * 200, 2 * 202);
        Assert.Equal(6000 * 201 - 100 * 101, outputs.Rows.Count, tolerance: 200); // every row meets its neighbours within a second
    }

    [Fact]
    public void A_left_join_hands_over_an_unmatched_left_row_once_the_right_side_has_passed_it_and_a_matched_one_never()
    {
        var join = Interval(left: true);
        Left(join, 0);
        Left(join, 5 * Second);
        Right(join, 5 * Second + 1);      // matches 5 s; the key is at 5 s: 0 s is past the interval and the grace, unmatched
        Right(join, 10 * Second);         // 5 s leaves, matched: nothing more

        Assert.Equal(["0~none", "5000000000~5000000001"], Pairs().Order());
        Assert.Equal((0, 1), (rows.Left.Count, rows.Right.Count)); // only the right row at 10 s waits
    }

    [Fact]
    public void A_row_behind_its_sides_latest_is_late_beyond_the_grace_and_joined_within_it()
    {
        Left(Interval(grace: 0), 5 * Second);
        Assert.Throws<LateRowException>(() => Left(Interval(grace: 0), 4 * Second));
        Assert.Throws<LateRowException>(() => Right(Interval(grace: 0), 4 * Second)); // behind the key, whichever topic

        Left(Interval(grace: 2 * Second), 4 * Second);
        Right(Interval(grace: 2 * Second), 4 * Second);
        Assert.Equal(["4000000000~4000000000", "5000000000~4000000000"], Pairs().Order());
    }

    [Fact]
    public void An_as_of_join_takes_the_latest_right_row_at_or_before_the_left_one_within_the_tolerance()
    {
        var join = AsOf(left: true);
        Right(join, 1 * Second, quality: 1);
        Right(join, 2 * Second, quality: 2);
        Right(join, 2 * Second, quality: 3);          // the same time, read later: it wins
        Left(join, 2 * Second - 1);
        Left(join, 2 * Second);
        Left(join, 7 * Second);                        // 2 s is exactly the tolerance away
        Left(join, 7 * Second + 1);                    // one nanosecond more: none

        Assert.Equal(["1999999999~1000000000/1", "2000000000~2000000000/3", "7000000000~2000000000/3", "7000000001~none"], Pairs(withQuality: true));
    }

    [Fact]
    public void An_inner_as_of_join_drops_a_left_row_without_a_right_one_and_right_rows_produce_nothing()
    {
        var join = AsOf();
        Left(join, 1 * Second);
        Right(join, 2 * Second);

        Assert.Empty(outputs.Rows);
    }

    [Fact]
    public void A_handler_that_fails_leaves_the_state_as_it_was()
    {
        var join = Interval();
        Left(join, 0);
        var failing = new Handler { Fails = true };

        Assert.Throws<InvalidOperationException>(() => new Joining<CarTelemetry, SensorReading, CarTelemetry>(rows, join, failing, outputs).IntervalRight(Reading(0, 0)));

        Assert.Equal((1, long.MinValue), (rows.Count, Serialized().RightTime));
    }

    [Fact]
    public void The_state_round_trips_with_both_sides_their_times_and_what_matched()
    {
        var join = Interval(left: true, grace: 5 * Second); // 0 s stays, unmatched, within the grace
        Left(join, 0);
        Left(join, 3 * Second);
        Right(join, 3 * Second);

        var read = Serialized();

        Assert.Equal((3 * Second, 3 * Second, 3), (read.LeftTime, read.RightTime, read.Count));
        Assert.Equal([(0, false), (3 * Second, true)], read.Left.Select(l => (l.Time, l.Matched)));
        Assert.Equal("car-0", read.Left[0].Row.CarId);
    }

    private void Left(JoinDefinition join, long time)
    {
        var joining = new Joining<CarTelemetry, SensorReading, CarTelemetry>(rows, join, new Handler(), outputs);
        var car = new CarTelemetry { TimestampNs = time, CarId = "car-0" };
        if (join.Kind == JoinKind.Interval)
        {
            joining.IntervalLeft(car);
        }
        else
        {
            joining.AsOfLeft(car);
        }
    }

    private void Right(JoinDefinition join, long time, int quality = 0)
    {
        var joining = new Joining<CarTelemetry, SensorReading, CarTelemetry>(rows, join, new Handler(), outputs);
        if (join.Kind == JoinKind.Interval)
        {
            joining.IntervalRight(Reading(time, quality));
        }
        else
        {
            joining.AsOfRight(Reading(time, quality));
        }
    }

    private static SensorReading Reading(long time, int quality) => new() { Time = time, Sensor = "car-0", Quality = quality };

    private List<string> Pairs(bool withQuality = false) => outputs.Rows.Select(r => withQuality ? r.CarId : r.CarId.Split('/')[0]).ToList();

    /// <summary>The rows as a checkpoint stores them and a restore reads them back: the key's record, then its segments in key order.</summary>
    private JoinRows<CarTelemetry, SensorReading> Serialized()
    {
        var prefix = Pipelines.State.Segments.PrefixOf("car-0"u8.ToArray());
        var records = new List<KeyValuePair<byte[], byte[]?>>();
        ((Pipelines.State.ISegmentedValue)rows).TakeSegments(prefix, records);
        var read = MessageSerializer.Deserialize<JoinRows<CarTelemetry, SensorReading>>(MessageSerializer.Serialize(rows));
        var stored = records.Where(r => r.Value is not null).OrderBy(r => r.Key, Pipelines.State.ByteOrder.Instance);
        ((Pipelines.State.ISegmentedValue)read).LoadSegments(prefix.Length, stored.Select(r => new KeyValuePair<byte[], byte[]>(r.Key, r.Value!)));
        return read;
    }

    /// <summary>Writes each pair as "left time~right time/quality" (or "~none") in CarId.</summary>
    private sealed class Handler : IJoinHandler<CarTelemetry, SensorReading, CarTelemetry>
    {
        public bool Fails { get; init; }

        public CarTelemetry? Join(CarTelemetry left, SensorReading right) =>
            Fails ? throw new InvalidOperationException("the handler failed")
            : new CarTelemetry { CarId = $"{left.TimestampNs}~{(right.Sensor is null ? "none" : $"{right.Time}/{right.Quality}")}" };
    }
}
