using Pipelines.Tests.Contracts;
using Pipelines.Infrastructure;

namespace Pipelines.Tests.Windows;

public class WindowTableTests
{
    private const long Second = 1_000_000_000;
    private const long Millisecond = 1_000_000;

    private static readonly WindowDefinition Tumbling = new() { Kind = WindowKind.Tumbling, Size = TimeSpan.FromSeconds(10) };

    [Fact]
    public void A_tumbling_window_emits_once_when_its_keys_time_passes_its_end()
    {
        var windows = new WindowHarness(Tumbling);

        Assert.Empty(windows.Add("car", 1 * Second, 5));
        Assert.Empty(windows.Add("car", 9 * Second, 7));
        var closed = Assert.Single(windows.Add("car", 10 * Second, 1));

        Assert.Equal(("car", 0L, 10 * Second, 2L, 12.0), (closed.Key, closed.Start, closed.End, closed.Count, closed.Sum));
        Assert.Empty(windows.Add("car", 15 * Second));
    }

    [Theory]
    [InlineData(WindowKind.Tumbling, "'car' [1970-01-01T00:00:00.0000000Z, 1970-01-01T00:00:10.0000000Z)")]
    [InlineData(WindowKind.Session, "'car' [1970-01-01T00:00:01.0000000Z, 1970-01-01T00:00:11.0000000Z]")]
    [InlineData(WindowKind.Sliding, "'car' (1970-01-01T00:00:01.0000000Z, 1970-01-01T00:00:11.0000000Z]")]
    public void A_window_shows_the_bounds_its_kind_has(WindowKind kind, string expected)
    {
        var windows = new WindowHarness(new WindowDefinition { Kind = kind, Size = TimeSpan.FromSeconds(10), Emit = kind == WindowKind.Sliding ? WindowEmit.OnUpdate : WindowEmit.OnClose });
        windows.Add("car", 1 * Second);
        windows.Add("car", 11 * Second);
        windows.Add("car", 40 * Second);

        Assert.Equal(expected, windows.Emitted[kind == WindowKind.Sliding ? 1 : 0]);
    }

    [Fact]
    public void Each_keys_time_is_its_own()
    {
        var windows = new WindowHarness(Tumbling);
        windows.Add("car-1", 1 * Second);

        Assert.Empty(windows.Add("car-2", 100 * Second));
        Assert.Single(windows.Add("car-1", 10 * Second));
    }

    [Fact]
    public void Grace_keeps_a_window_open_for_rows_that_arrive_late_and_a_row_later_than_that_is_rejected_naming_its_time()
    {
        var windows = new WindowHarness(Tumbling with { Grace = TimeSpan.FromSeconds(2) });
        windows.Add("car", 1 * Second);

        Assert.Empty(windows.Add("car", 11 * Second));
        Assert.Empty(windows.Add("car", 2 * Second));           // 1 s after the end, within grace
        var closed = Assert.Single(windows.Add("car", 12 * Second));
        Assert.Equal(2, closed.Count);

        var late = Assert.Throws<LateRowException>(() => windows.Add("car", 3 * Second));
        Assert.Contains("1970-01-01T00:00:03", late.Message, StringComparison.Ordinal);
        Assert.Contains("grace period (00:00:02)", late.Message, StringComparison.Ordinal);

        // The late row changed nothing: the next window still counts only its own rows.
        Assert.Equal(2, Assert.Single(windows.Add("car", 30 * Second)).Count);
    }

    [Fact]
    public void A_hopping_row_is_in_size_over_hop_windows_and_each_window_emits_once()
    {
        var windows = new WindowHarness(new WindowDefinition { Kind = WindowKind.Hopping, Size = TimeSpan.FromSeconds(10), Hop = TimeSpan.FromSeconds(5) });

        windows.Add("car", 7 * Second);
        var results = windows.Add("car", 100 * Second);

        Assert.Equal([(0L, 10 * Second), (5 * Second, 15 * Second)], results.Select(r => (r.Start, r.End)));
        Assert.All(results, r => Assert.Equal(1, r.Count));
    }

    [Fact]
    public void A_row_that_bridges_two_sessions_merges_them_and_the_session_closes_a_gap_after_its_last_row()
    {
        var windows = new WindowHarness(new WindowDefinition { Kind = WindowKind.Session, Size = TimeSpan.FromSeconds(5), Grace = TimeSpan.FromSeconds(10) });

        windows.Add("car", 0, 1);
        windows.Add("car", 10 * Second, 2);   // more than a gap after 0: a second session
        windows.Add("car", 5 * Second, 4);    // within a gap of both: one session
        Assert.Empty(windows.Add("car", 14 * Second, 8));  // joins (within 5 s of 10 s)
        Assert.Empty(windows.Add("car", 28 * Second, 0));  // a new session; 28 < 14 + 5 + 10 grace, so the first stays open

        var closed = Assert.Single(windows.Add("car", 29 * Second, 16));
        Assert.Equal((0L, 14 * Second, 4L, 15.0), (closed.Start, closed.End, closed.Count, closed.Sum));
        Assert.Throws<LateRowException>(() => windows.Add("car", 19 * Second));   // would have joined the closed session
        Assert.Empty(windows.Add("car", 20 * Second));                            // past the closed one's reach: a session of its own, open until 35 s
    }

    [Fact]
    public void Emitting_on_update_writes_the_result_after_every_row_and_nothing_at_close()
    {
        var windows = new WindowHarness(Tumbling with { Emit = WindowEmit.OnUpdate });

        Assert.Equal(1, Assert.Single(windows.Add("car", 1 * Second)).Count);
        Assert.Equal(2, Assert.Single(windows.Add("car", 2 * Second)).Count);
        var next = Assert.Single(windows.Add("car", 10 * Second));
        Assert.Equal((10 * Second, 1L), (next.Start, next.Count));
    }

    [Fact]
    public void A_key_quiet_for_CloseAfterIdle_on_the_wall_clock_closes_its_windows_and_later_rows_for_them_are_late()
    {
        var windows = new WindowHarness(Tumbling with { CloseAfterIdle = TimeSpan.FromSeconds(30) });
        windows.Add("quiet", 1 * Second);
        windows.Time.Advance(TimeSpan.FromSeconds(20));
        windows.Add("busy", 1 * Second);

        windows.Time.Advance(TimeSpan.FromSeconds(10));
        var (key, results) = Assert.Single(windows.CloseIdle());

        Assert.Equal("quiet", key);
        Assert.Equal((0L, 10 * Second, 1L), (results[0].Start, results[0].End, results[0].Count));
        Assert.Empty(windows.CloseIdle());
        Assert.Contains("already closed", Assert.Throws<LateRowException>(() => windows.Add("quiet", 2 * Second)).Message, StringComparison.Ordinal);
        Assert.Empty(windows.Add("quiet", 10 * Second));

        windows.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["busy", "quiet"], windows.CloseIdle().Select(c => c.Key).Order());
    }

    [Fact]
    public void A_failed_aggregate_changes_nothing()
    {
        var windows = new WindowHarness(Tumbling);
        windows.Add("car", 1 * Second);
        windows.AggregateThrows = true;

        Assert.Throws<InvalidOperationException>(() => windows.Add("car", 11 * Second));
        windows.AggregateThrows = false;

        // The failed row neither moved the key's time (the first window is still open) nor counted.
        Assert.Empty(windows.Add("car", 2 * Second));
        Assert.Equal(2, Assert.Single(windows.Add("car", 10 * Second)).Count);
    }

    [Fact]
    public void A_failed_emit_closes_the_window_and_keeps_its_accumulator_for_the_dead_letter()
    {
        var windows = new WindowHarness(Tumbling) { EmitThrowsFor = "car" };
        windows.Add("car", 1 * Second, 3);

        Assert.Empty(windows.Add("car", 10 * Second));

        var failure = Assert.Single(windows.Table.Failures);
        Assert.Equal((0L, 10 * Second), (failure.Exception.Window.StartTimestamp, failure.Exception.Window.EndTimestamp));
        Assert.Contains("emit failed", failure.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(64, failure.Accumulator.Length);
        Assert.Throws<LateRowException>(() => windows.Add("car", 5 * Second));
    }

    [Fact]
    public void After_a_restart_open_windows_go_on_counting_and_closed_ones_stay_closed()
    {
        var windows = new WindowHarness(Tumbling with { CloseAfterIdle = TimeSpan.FromSeconds(30) }, new Pipelines.State.MemoryStateStore());
        windows.Add("car", 1 * Second);
        windows.Add("car", 11 * Second);

        windows.Restart();

        Assert.Throws<LateRowException>(() => windows.Add("car", 2 * Second));
        Assert.Empty(windows.Add("car", 12 * Second));

        // A restored key is watched for going quiet, counted from the restart.
        windows.Time.Advance(TimeSpan.FromSeconds(30));
        var (_, results) = Assert.Single(windows.CloseIdle());
        Assert.Equal((10 * Second, 2L), (results[0].Start, results[0].Count));
    }

    [Fact]
    public void Windows_restored_from_the_store_are_written_under_their_key()
    {
        var windows = new WindowHarness(Tumbling);
        windows.Add("car-7", 1 * Second);

        windows.Restart();

        Assert.Equal("car-7", Assert.Single(windows.Add("car-7", 10 * Second)).Key);
    }

    [Fact]
    public void With_a_time_to_live_a_quiet_key_whose_windows_all_closed_is_forgotten_and_one_with_open_windows_is_kept()
    {
        var windows = new WindowHarness(Tumbling with { CloseAfterIdle = TimeSpan.FromMinutes(1) }, timeToLive: TimeSpan.FromMinutes(10));
        windows.Add("quiet", 1 * Second);
        windows.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(windows.CloseIdle());
        windows.Add("open", 1 * Second);
        windows.Table.TakeChanges(0); // a checkpoint

        windows.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, windows.Table.Expire(0));
        var forgotten = Assert.Single(windows.Table.TakeChanges(0), c => c.Value is null);
        Assert.Equal("quiet", System.Text.Encoding.UTF8.GetString(forgotten.Key));

        // Forgotten, the key starts again: a row of its closed window is no longer known to be late.
        Assert.Empty(windows.Add("quiet", 2 * Second));
    }

    [Fact]
    public void Built_in_collect_hands_emit_the_windows_rows_in_order_and_keeps_them_across_a_restart()
    {
        var options = new Pipelines.Processing.ProcessorOptions { Name = "collector", GroupId = "g", InputTopic = "in", BootstrapServers = "unused:9092" };
        var processor = new RowCollector();
        var store = new Pipelines.State.MemoryStateStore();
        var table = Open(processor, options, store);
        var key = "car"u8.ToArray();
        Add(table, key, 0, 100 * Millisecond, 1);
        Add(table, key, 1, 900 * Millisecond, 2);

        store.Write(table.TakeChanges(0), 0);
        table.Close(0);
        table = Open(processor, options, store);
        var closed = Assert.Single(Add(table, key, 2, 1000 * Millisecond, 4));

        Assert.Equal(("car", 0L, 1000 * Millisecond, 2L, 3.0), (closed.Key, closed.Start, closed.End, closed.Count, closed.Sum));

        static Pipelines.Windows.WindowTable<CarTelemetry, WindowResult> Open(RowCollector processor, Pipelines.Processing.ProcessorOptions options, Pipelines.State.MemoryStateStore store)
        {
            var table = (Pipelines.Windows.WindowTable<CarTelemetry, WindowResult>)((IProcessor<CarTelemetry, WindowResult>)processor).State!.CreateTable(processor, options);
            table.Open(0, store);
            return table;
        }

        static List<WindowResult> Add(Pipelines.Windows.WindowTable<CarTelemetry, WindowResult> table, byte[] key, long offset, long time, double speed)
        {
            var outputs = new Outputs<WindowResult>();
            Assert.True(table.Begin(0, key, new Pipelines.State.RowPosition(offset, 0)));
            table.Add(new CarTelemetry { CarId = "car", TimestampNs = time, Speed = speed }, outputs).GetAwaiter().GetResult();
            table.Commit();
            return [.. outputs.Rows];
        }
    }

    [Fact]
    public void Window_state_reads_back_as_written_and_refuses_other_bytes()
    {
        var windows = new Pipelines.Windows.KeyWindows<long> { StreamTime = 42, ClosedUpTo = -7 };
        windows.Open.Add(new(0, 10, 3));
        windows.Open.Add(new(10, 20, long.MaxValue));

        var bytes = Pipelines.Windows.KeyWindows<long>.Encode(windows, BitConverter.GetBytes);
        var read = Pipelines.Windows.KeyWindows<long>.Decode(bytes, b => BitConverter.ToInt64(b));

        Assert.Equal((42L, -7L), (read.StreamTime, read.ClosedUpTo));
        Assert.Equal(windows.Open, read.Open);
        Assert.Throws<FormatException>(() => Pipelines.Windows.KeyWindows<long>.Decode([2, .. bytes[1..]], b => 0L));
        Assert.Throws<FormatException>(() => Pipelines.Windows.KeyWindows<long>.Decode(bytes[..^1], b => 0L));
    }

    [Theory]
    [InlineData(WindowKind.Tumbling, 0, 0, 0, "Tumbling")]
    [InlineData(WindowKind.Tumbling, 10, 0, -1, "Grace")]
    [InlineData(WindowKind.Hopping, 10, 20, 0, "Hop")]
    [InlineData(WindowKind.Hopping, 10, 3, 0, "Hop")]
    [InlineData(WindowKind.Session, 0, 0, 0, "Session")]
    public void Definitions_out_of_range_are_refused_naming_the_setting(WindowKind kind, int size, int hop, int grace, string setting)
    {
        var definition = new WindowDefinition { Kind = kind, Size = TimeSpan.FromSeconds(size), Hop = TimeSpan.FromSeconds(hop), Grace = TimeSpan.FromSeconds(grace) };

        var error = Assert.Throws<ArgumentException>(() => definition.Validate("p"));
        Assert.StartsWith($"Window {setting}", error.Message, StringComparison.Ordinal);
    }
}
