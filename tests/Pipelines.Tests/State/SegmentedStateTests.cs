using Pipelines.Infrastructure;
using Pipelines.State;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.State;

/// <summary>A join's waiting rows kept as a record each beside their key's record: what a checkpoint writes, and what a restore reads back.</summary>
public class SegmentedStateTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private static readonly byte[] Car = "car-0"u8.ToArray();
    private static readonly JoinDefinition Interval = new() { Kind = JoinKind.Interval, Within = TimeSpan.FromSeconds(1), Grace = TimeSpan.FromSeconds(5) };

    private readonly KeyedState<JoinRows<CarTelemetry, SensorReading>> state = Create();
    private readonly string directory = Path.Combine(Path.GetTempPath(), "pipelines-segments-" + Guid.NewGuid().ToString("N"));
    private long offset;

    private static KeyedState<JoinRows<CarTelemetry, SensorReading>> Create() =>
        (KeyedState<JoinRows<CarTelemetry, SensorReading>>)StateDefinition.Of<JoinRows<CarTelemetry, SensorReading>>("join")
            .CreateTable(new object(), new Pipelines.Processing.ProcessorOptions { Name = "p", GroupId = "g", InputTopic = "in", BootstrapServers = "unused:9092" });

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_checkpoint_writes_the_rows_that_arrived_and_deletes_those_that_left_not_every_waiting_row()
    {
        state.Open(0, new MemoryStateStore());
        for (var t = 0L; t < 150; t++)
        {
            Left(t * Second / 100); // 1.5 s at 100 Hz: none has left yet (interval and grace: 6 s)
        }

        Assert.Equal((150, 1), Count(state.TakeChanges(0)));

        Left(150 * Second / 100);
        Assert.Equal((1, 1), Count(state.TakeChanges(0))); // one row's record and the key's, not 151 rows again

        Left(750 * Second / 100);                           // 7.5 s: the rows before 1.5 s leave
        var records = state.TakeChanges(0);
        Assert.Equal(150, records.Count(r => Segments.IsSegment(r.Key) && r.Value is null));
        Assert.Equal((1, 1), Count(records));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_restored_key_has_its_waiting_rows_in_time_order_with_what_matched_and_ignores_rows_its_record_never_named(bool rocksDb)
    {
        using var store = rocksDb ? (IStateStore)RocksDbStateStore.Open(directory) : new MemoryStateStore();
        state.Open(0, store);
        Left(3 * Second);
        Left(1 * Second);
        Right(1 * Second + 1);                              // matches 1 s (not 3 s)
        Left(2 * Second + 2);                               // a nanosecond more than a second after the right row
        store.Write(state.TakeChanges(0), 0);

        // A segment of a later checkpoint whose key record never landed: an id the record has not given out yet.
        var orphan = Segments.PrefixOf(Car).Concat(new byte[] { 0 }).Concat(new byte[8]).Concat(new byte[] { 0, 0, 0, 99 }).ToArray();
        store.Write([new(orphan, store.Range(Segments.PrefixOf(Car)).First().Value)], 1);

        var restored = Create();
        restored.Open(0, store);
        Assert.True(restored.Begin(0, Car, new RowPosition(100, 0)));
        var rows = restored.Value;

        Assert.Equal([(1 * Second, true), ((2 * Second) + 2, false), (3 * Second, false)], rows.Left.Select(l => (l.Time, l.Matched)));
        Assert.Equal([1 * Second + 1], rows.Right.Select(r => r.Time));
        Assert.Equal((3 * Second, 1 * Second + 1), (rows.LeftTime, rows.RightTime));
    }

    [Fact]
    public void The_store_keeps_only_the_key_record_and_its_waiting_rows_and_a_forgotten_key_leaves_nothing()
    {
        var store = new MemoryStateStore();
        var forgetting = (KeyedState<JoinRows<CarTelemetry, SensorReading>>)StateDefinition.Of<JoinRows<CarTelemetry, SensorReading>>("join")
            .CreateTable(new object(), new Pipelines.Processing.ProcessorOptions { Name = "p", GroupId = "g", InputTopic = "in", BootstrapServers = "unused:9092", StateTimeToLive = TimeSpan.FromSeconds(10), StateTimeToLiveClock = StateClock.DataTime });
        forgetting.Open(0, store);
        Join(forgetting, Car, 0, left: true);
        store.Write(forgetting.TakeChanges(0), 0);
        Join(forgetting, Car, 7 * Second, left: true);      // 0 s leaves: its record goes
        store.Write(forgetting.TakeChanges(0), 1);
        Assert.Equal(2, store.Records().Count());            // the key's record and the row at 7 s

        Join(forgetting, "car-1"u8.ToArray(), 60 * Second, left: true); // car-0 untouched for 55 s of data time: forgotten
        Assert.Equal(1, forgetting.Expire(0));
        store.Write(forgetting.TakeChanges(0), 2);

        Assert.DoesNotContain(store.Records(), r => r.Key.AsSpan().SequenceEqual(Car) || r.Key.AsSpan().StartsWith(Segments.PrefixOf(Car)));
        Assert.Empty(store.Range(Segments.PrefixOf(Car)));
    }

    private void Left(long time) => Join(state, Car, time, left: true);

    private void Right(long time) => Join(state, Car, time, left: false);

    private void Join(KeyedState<JoinRows<CarTelemetry, SensorReading>> table, byte[] key, long time, bool left)
    {
        table.Observe(0, time);
        Assert.True(table.Begin(0, key, new RowPosition(offset++, 0)));
        var facade = (State<JoinRows<CarTelemetry, SensorReading>>)table.Facade!;
        var rows = facade.HasValue ? facade.Value : new JoinRows<CarTelemetry, SensorReading>();
        var joining = new Joining<CarTelemetry, SensorReading, CarTelemetry>(rows, Interval, new Pair(), new Outputs<CarTelemetry>());
        if (left)
        {
            joining.IntervalLeft(new CarTelemetry { TimestampNs = time, CarId = "car-0" });
        }
        else
        {
            joining.IntervalRight(new SensorReading { Time = time, Sensor = "car-0" });
        }

        facade.Value = rows;
        table.Commit();
    }

    /// <summary>How many waiting rows were written, and how many key records, in one checkpoint's records.</summary>
    private static (int Rows, int Keys) Count(List<KeyValuePair<byte[], byte[]?>> records) =>
        (records.Count(r => Segments.IsSegment(r.Key) && r.Value is not null), records.Count(r => !Segments.IsSegment(r.Key)));

    private sealed class Pair : IJoinHandler<CarTelemetry, SensorReading, CarTelemetry>
    {
        public CarTelemetry? Join(CarTelemetry left, SensorReading right) => left;
    }
}
