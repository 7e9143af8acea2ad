using Pipelines.State;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.State;

public class KeyedStateTests
{
    private static readonly byte[] Car = "car-1"u8.ToArray();

    private readonly KeyedState<Point> state = Create();
    private readonly MemoryStateStore store = new();

    public KeyedStateTests() => state.Open(0, store);

    private static KeyedState<Point> Create() => (KeyedState<Point>)Pipelines.Infrastructure.StateDefinition.Of<Point>("points").CreateTable(new object(), new Pipelines.Processing.ProcessorOptions { Name = "p", GroupId = "g", InputTopic = "in", BootstrapServers = "unused:9092" });

    private static State<Point> Facade(KeyedState<Point> table) => (State<Point>)table.Facade!;

    private void Apply(long offset, int index, double x, byte[]? key = null)
    {
        Assert.True(state.Begin(0, key ?? Car, new RowPosition(offset, index)));
        Facade(state).Value = new Point { X = x };
        state.Commit();
    }

    [Fact]
    public void Rows_of_each_input_are_recognised_as_replayed_by_that_inputs_position_only()
    {
        Apply(100, 0, 1);                                                         // input 0, far along its topic
        Assert.True(state.Begin(0, Car, new RowPosition(2, 0, Input: 1)));        // input 1's offset 2: new, though below 100
        Facade(state).Value = new Point { X = 2 };
        state.Commit();
        var record = StateRecord.Decode(Assert.Single(state.TakeChanges(0)).Value!);

        Assert.False(state.Begin(0, Car, new RowPosition(2, 0, Input: 1)));       // input 1's offset 2 again: replayed
        Assert.False(state.Begin(0, Car, new RowPosition(100, 0)));               // input 0's as well
        Assert.True(state.Begin(0, Car, new RowPosition(3, 0, Input: 1)));
        Assert.Equal((new RowPosition(100, 0), new RowPosition(2, 0)), (record.Applied, Assert.Single(record.Others!)));
    }

    [Fact]
    public void A_key_updated_many_times_between_checkpoints_is_one_record_holding_the_last_value_and_row()
    {
        Apply(0, 0, 1);
        Apply(0, 1, 2);
        Apply(5, 0, 3);

        var (key, value) = Assert.Single(state.TakeChanges(0));
        var record = StateRecord.Decode(value!);
        Assert.Equal(Car, key);
        Assert.Equal(new RowPosition(5, 0), record.Applied);
        Assert.Equal(3, MessageSerializer.Deserialize<Point>(record.Value).X);
        Assert.Empty(state.TakeChanges(0));
    }

    [Fact]
    public void A_row_at_or_before_the_last_applied_to_its_key_is_refused_and_other_keys_are_not_affected()
    {
        Apply(10, 2, 1);
        store.Write(state.TakeChanges(0), 0);
        var restarted = Create();
        restarted.Open(0, store);

        Assert.False(restarted.Begin(0, Car, new RowPosition(10, 2)));
        Assert.False(restarted.Begin(0, Car, new RowPosition(9, 7)));
        Assert.True(restarted.Begin(0, Car, new RowPosition(10, 3)));
        Assert.Equal(1, Facade(restarted).Value.X);
        Assert.True(restarted.Begin(0, "car-2"u8.ToArray(), new RowPosition(0, 0)));
        Assert.False(Facade(restarted).HasValue);
    }

    [Fact]
    public void A_failed_call_leaves_nothing_behind_and_is_not_counted_as_applied()
    {
        Apply(0, 0, 1);
        state.TakeChanges(0);

        Assert.True(state.Begin(0, Car, new RowPosition(1, 0)));
        Facade(state).Value = new Point { X = 99 };
        Facade(state).Clear();
        state.Rewind();

        Assert.Empty(state.TakeChanges(0));
        Assert.True(state.Begin(0, Car, new RowPosition(1, 0)));
        Assert.Equal(1, Facade(state).Value.X);
    }

    [Fact]
    public void Clearing_keeps_the_row_position_so_the_row_is_still_not_applied_twice()
    {
        Apply(3, 0, 1);
        Assert.True(state.Begin(0, Car, new RowPosition(4, 0)));
        Facade(state).Clear();
        state.Commit();

        var record = StateRecord.Decode(Assert.Single(state.TakeChanges(0)).Value!);
        Assert.Null(record.Value);
        Assert.Equal(new RowPosition(4, 0), record.Applied);
    }

    [Fact]
    public void State_is_only_there_during_a_call_and_reading_a_missing_value_says_how_to_avoid_it()
    {
        var outside = Assert.Throws<InvalidOperationException>(() => Facade(state).HasValue);
        Assert.Contains("only available while a row handler runs", outside.Message);

        Assert.True(state.Begin(0, Car, new RowPosition(0, 0)));
        var missing = Assert.Throws<InvalidOperationException>(() => Facade(state).Value);
        Assert.Contains("'car-1' has no Point state yet; check HasValue or use GetValueOrDefault", missing.Message);
        Assert.Equal(7, Facade(state).GetValueOrDefault(new Point { X = 7 }).X);
    }

    [Fact]
    public void Rows_of_a_partition_whose_state_is_not_open_are_refused()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => state.Begin(4, Car, new RowPosition(0, 0)));
        Assert.Contains("partition 4 is not open", refused.Message);
    }

    [Fact]
    public void A_key_no_row_touched_for_the_time_to_live_is_forgotten_and_deleted_at_the_next_checkpoint()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var store = new MemoryStateStore();
        var table = (KeyedState<Point>)Pipelines.Infrastructure.StateDefinition.Of<Point>("points").CreateTable(new object(), Options(clock));
        table.Open(0, store);
        Assert.True(table.Begin(0, Car, new RowPosition(1, 0)));
        Facade(table).Value = new Point { X = 1 };
        table.Commit();
        Assert.True(table.Begin(0, "car-2"u8.ToArray(), new RowPosition(2, 0)));
        Facade(table).Value = new Point { X = 2 };
        table.Commit();
        Assert.Equal(0, table.Expire(0));
        store.Write(table.TakeChanges(0), 0);

        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.True(table.Begin(0, "car-2"u8.ToArray(), new RowPosition(3, 0)));
        table.Commit();
        clock.Advance(TimeSpan.FromMinutes(30));

        // car-1 has had no row for an hour; car-2 for half an hour.
        Assert.Equal(1, table.Expire(0));
        var changes = table.TakeChanges(0);
        Assert.Contains(changes, c => c.Key.SequenceEqual(Car) && c.Value is null);
        store.Write(changes, 1);
        Assert.Null(store.Get(Car));
        Assert.NotNull(store.Get("car-2"u8.ToArray()));

        // A later row of the forgotten key starts from no state.
        Assert.True(table.Begin(0, Car, new RowPosition(4, 0)));
        Assert.False(Facade(table).HasValue);
    }

    [Fact]
    public void Keys_restored_from_the_store_are_forgotten_a_time_to_live_after_the_restore()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var store = new MemoryStateStore();
        store.Write([new(Car, new StateRecord(new RowPosition(1, 0), MessageSerializer.Serialize(new Point { X = 1 })).Encode())], 0);
        var table = (KeyedState<Point>)Pipelines.Infrastructure.StateDefinition.Of<Point>("points").CreateTable(new object(), Options(clock));
        table.Open(0, store);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, table.Expire(0));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, table.Expire(0));
        Assert.Null(Assert.Single(table.TakeChanges(0)).Value);
    }

    [Fact]
    public void On_data_time_a_key_is_forgotten_once_its_partitions_rows_are_a_time_to_live_later_whatever_the_wall_clock_says()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var table = (KeyedState<Point>)Pipelines.Infrastructure.StateDefinition.Of<Point>("points").CreateTable(new object(), Options(clock) with { StateTimeToLiveClock = StateClock.DataTime });
        table.Open(0, new MemoryStateStore());
        var minute = TimeSpan.FromMinutes(1).Ticks * 100;
        foreach (var (car, time) in new[] { ("car-1", 0L), ("car-2", 30 * minute) })
        {
            table.Observe(0, time);
            Assert.True(table.Begin(0, System.Text.Encoding.UTF8.GetBytes(car), new RowPosition(time, 0)));
            Facade(table).Value = new Point { X = 1 };
            table.Commit();
        }

        table.TakeChanges(0);
        clock.Advance(TimeSpan.FromHours(10));
        Assert.Equal(0, table.Expire(0)); // the wall clock does not count

        table.Observe(0, 61 * minute);
        Assert.True(table.Begin(0, "car-3"u8.ToArray(), new RowPosition(61 * minute, 0)));
        table.Commit();

        // car-1's last row is 61 minutes behind the partition's latest; car-2's 31.
        Assert.Equal(1, table.Expire(0));
        Assert.Equal("car-1", System.Text.Encoding.UTF8.GetString(Assert.Single(table.TakeChanges(0), c => c.Value is null).Key));
    }

    private static Pipelines.Processing.ProcessorOptions Options(TimeProvider clock) => new()
    {
        Name = "p",
        GroupId = "g",
        InputTopic = "in",
        BootstrapServers = "unused:9092",
        StateTimeToLive = TimeSpan.FromHours(1),
        TimeProvider = clock,
    };
}
