using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class RowBuffersTests
{
    private const long Start = 1_000_000_000;
    private static readonly byte[] CarA = "car-a"u8.ToArray();
    private static readonly byte[] CarB = "car-b"u8.ToArray();
    private readonly OffsetTracker tracker = new(["in"], new("pipelines.processor", "test"));

    private static long At(double milliseconds) => Start + (long)(milliseconds / 1000 * Stopwatch.Frequency);

    private static long Nanoseconds(double milliseconds) => (long)(milliseconds * 1_000_000);

    private Work Message(long offset)
    {
        var work = tracker.Rent();
        tracker.Begin(0, offset, work);
        return work;
    }

    private static void Add(RowBuffers<int> buffers, int row, Work work, double arrivedMs = 0, double? timeMs = null, int bytes = 10, byte[]? key = null, int partition = 0) =>
        buffers.Add(partition, key ?? CarA, row, default, bytes, timeMs is { } time ? Nanoseconds(time) : null, work, At(arrivedMs));

    private static List<List<int>> TakeReady(RowBuffers<int> buffers)
    {
        var flushes = new List<List<int>>();
        while (buffers.Ready.TryDequeue(out var flush))
        {
            flushes.Add([.. flush.Rows]);
            buffers.Return(flush);
        }

        return flushes;
    }

    [Fact]
    public void MaxRows_flushes_a_stream_when_it_holds_that_many_rows()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { MaxRows = 2 });
        var work = Message(0);
        for (var row = 1; row <= 5; row++)
        {
            Add(buffers, row, work);
        }

        Assert.Equal([[1, 2], [3, 4]], TakeReady(buffers));
        Assert.Equal(1, buffers.Buffered);
    }

    [Fact]
    public void MaxBytes_flushes_before_a_row_would_push_the_buffer_past_it()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { MaxBytes = 100 });
        var work = Message(0);
        Add(buffers, 1, work, bytes: 40);
        Add(buffers, 2, work, bytes: 40);
        Assert.Empty(TakeReady(buffers));

        Add(buffers, 3, work, bytes: 40);

        Assert.Equal([[1, 2]], TakeReady(buffers));
    }

    [Fact]
    public void A_single_row_larger_than_MaxBytes_still_goes_through_alone()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { MaxBytes = 100 });
        var work = Message(0);
        Add(buffers, 1, work, bytes: 500);
        Add(buffers, 2, work, bytes: 10);

        Assert.Equal([[1]], TakeReady(buffers));
    }

    [Fact]
    public void DataSpan_cuts_windows_of_data_time_from_each_buffers_first_row()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { DataSpan = TimeSpan.FromSeconds(1) });
        var work = Message(0);
        foreach (var (row, time) in new[] { (1, 0.0), (2, 400), (3, 999), (4, 1000), (5, 1500), (6, 2000) })
        {
            Add(buffers, row, work, timeMs: time);
        }

        Assert.Equal([[1, 2, 3], [4, 5]], TakeReady(buffers));
    }

    [Fact]
    public void Timeout_flushes_a_stream_that_has_been_quiet_that_long_and_no_other()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { MaxRows = 100, Timeout = TimeSpan.FromMilliseconds(500) });
        var work = Message(0);
        Add(buffers, 1, work, arrivedMs: 0);
        Add(buffers, 2, work, arrivedMs: 0, key: CarB);
        Add(buffers, 3, work, arrivedMs: 300, key: CarB);

        buffers.Tick(At(499));
        Assert.Empty(TakeReady(buffers));

        buffers.Tick(At(500));
        Assert.Equal([[1]], TakeReady(buffers));

        buffers.Tick(At(800));
        Assert.Equal([[2, 3]], TakeReady(buffers));
        Assert.Equal(0, buffers.Buffered);
    }

    [Fact]
    public void Timeout_and_reorder_run_on_the_clock_they_are_given()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var buffers = new RowBuffers<int>(new BufferOptions { MaxRows = 100, Timeout = TimeSpan.FromSeconds(30), Reorder = TimeSpan.FromSeconds(10) }, time: clock);
        var work = Message(0);
        buffers.Add(0, CarA, 2, default, 10, Nanoseconds(2), work, clock.GetTimestamp());
        buffers.Add(0, CarA, 1, default, 10, Nanoseconds(1), work, clock.GetTimestamp());

        clock.Advance(TimeSpan.FromSeconds(9));
        buffers.Tick(clock.GetTimestamp());
        Assert.Equal(2, buffers.Buffered);

        // Released in timestamp order at 10 s, then idle for 30 s more.
        clock.Advance(TimeSpan.FromSeconds(1));
        buffers.Tick(clock.GetTimestamp());
        clock.Advance(TimeSpan.FromSeconds(30));
        buffers.Tick(clock.GetTimestamp());
        Assert.Equal([[1, 2]], TakeReady(buffers));
    }

    [Fact]
    public void Each_partition_and_stream_key_has_its_own_buffer_in_arrival_order()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { MaxRows = 2 });
        var work = Message(0);
        Add(buffers, 1, work, key: CarA);
        Add(buffers, 2, work, key: CarB);
        Add(buffers, 3, work, key: CarA, partition: 1);
        Add(buffers, 4, work, key: "car-a"u8.ToArray());
        Add(buffers, 5, work, key: CarB);

        Assert.Equal([[1, 4], [2, 5]], TakeReady(buffers));
        Assert.Equal(1, buffers.Buffered);
    }

    [Fact]
    public void FlushWhen_sees_the_buffered_rows_and_flushes_on_true()
    {
        var seen = new List<int>();
        var buffers = new RowBuffers<int>(new BufferOptions(), rows =>
        {
            seen.Add(rows.Count);
            return rows[^1] < 0;
        });
        var work = Message(0);
        foreach (var row in new[] { 1, 2, -3, 4 })
        {
            Add(buffers, row, work);
        }

        Assert.Equal([1, 2, 3, 1], seen);
        Assert.Equal([[1, 2, -3]], TakeReady(buffers));
    }

    [Fact]
    public void A_FlushWhen_that_throws_is_reported_and_flushes()
    {
        var failures = new List<Exception>();
        var buffers = new RowBuffers<int>(new BufferOptions { MaxRows = 10 }, _ => throw new InvalidOperationException("bad rule"), failures.Add);

        Add(buffers, 1, Message(0));

        Assert.Equal([[1]], TakeReady(buffers));
        Assert.Equal("bad rule", Assert.Single(failures).Message);
    }

    [Fact]
    public void With_no_rule_rows_flush_as_they_enter()
    {
        var buffers = new RowBuffers<int>(new BufferOptions());
        var work = Message(0);
        Add(buffers, 1, work);
        Add(buffers, 2, work);

        Assert.Equal([[1], [2]], TakeReady(buffers));
    }

    [Fact]
    public void Reorder_holds_rows_for_the_delay_and_releases_them_in_timestamp_order()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { Reorder = TimeSpan.FromMilliseconds(100), MaxRows = 100, Timeout = TimeSpan.FromSeconds(10) });
        var work = Message(0);
        Add(buffers, 30, work, arrivedMs: 0, timeMs: 30);
        Add(buffers, 10, work, arrivedMs: 10, timeMs: 10);
        Add(buffers, 20, work, arrivedMs: 50, timeMs: 20);
        Add(buffers, 40, work, arrivedMs: 150, timeMs: 40);

        // At 100 ms the row stamped 30 waited out the delay: it and every earlier-stamped row are released.
        buffers.Tick(At(100));
        buffers.FlushAll();
        var flushes = TakeReady(buffers);

        Assert.Equal([[10, 20, 30, 40]], flushes);
    }

    [Fact]
    public void Reorder_releases_only_rows_up_to_the_newest_timestamp_that_waited_out_the_delay()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { Reorder = TimeSpan.FromMilliseconds(100) });
        var work = Message(0);
        Add(buffers, 20, work, arrivedMs: 0, timeMs: 20);
        Add(buffers, 50, work, arrivedMs: 60, timeMs: 50);
        Add(buffers, 10, work, arrivedMs: 90, timeMs: 10);

        buffers.Tick(At(99));
        Assert.Empty(TakeReady(buffers));

        buffers.Tick(At(100));
        Assert.Equal([[10], [20]], TakeReady(buffers));

        // Late: stamped before rows already released, so it is not held.
        Add(buffers, 15, work, arrivedMs: 120, timeMs: 15);
        Assert.Equal([[15]], TakeReady(buffers));

        buffers.Tick(At(160));
        Assert.Equal([[50]], TakeReady(buffers));
    }

    [Fact]
    public void A_message_stays_unfinished_until_every_chunk_holding_its_rows_is_finished()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { MaxRows = 2 });
        var first = Message(0);
        var second = Message(1);
        Add(buffers, 1, first);
        Add(buffers, 2, first);
        Add(buffers, 3, first);
        Add(buffers, 4, second);
        first.Finish();
        second.Finish();

        var flushes = new List<BufferedRows<int>>();
        while (buffers.Ready.TryDequeue(out var flush))
        {
            flushes.Add(flush);
        }

        Assert.Equal(2, flushes.Count);
        var calls = flushes.Select(c => tracker.Chain(c.Works)).ToList();
        Assert.False(first.IsDone);

        calls[0].Finish();
        Assert.False(first.IsDone);

        calls[1].Finish();
        Assert.True(first.IsDone);
        Assert.True(second.IsDone);
        var committable = new List<TopicPartitionOffset>();
        tracker.TakeCommittable(committable);
        Assert.Equal([new TopicPartitionOffset("in", 0, 2)], committable);
    }

    [Fact]
    public void A_chunk_whose_output_is_still_in_flight_holds_its_messages_back()
    {
        var buffers = new RowBuffers<int>(new BufferOptions());
        var message = Message(0);
        Add(buffers, 1, message);
        message.Finish();
        buffers.Ready.TryDequeue(out var flush);

        var call = tracker.Chain(flush!.Works);
        call.Expect(); // one output produced, not yet acknowledged
        call.Finish();
        Assert.False(message.IsDone);

        call.Finish(); // acknowledged
        Assert.True(message.IsDone);
    }

    [Fact]
    public void FlushAll_can_flush_the_buffers_of_some_partitions_and_Drop_forgets_others()
    {
        var buffers = new RowBuffers<int>(new BufferOptions { MaxRows = 10, Reorder = TimeSpan.FromHours(1) });
        var work = Message(0);
        Add(buffers, 1, work, partition: 0, timeMs: 1);
        Add(buffers, 2, work, partition: 1, timeMs: 2);
        Add(buffers, 3, work, partition: 2, timeMs: 3);

        buffers.FlushAll(partition => partition == 1);
        Assert.Equal([[2]], TakeReady(buffers));

        buffers.Drop(partition => partition == 2);
        Assert.Equal(1, buffers.Buffered);
        buffers.FlushAll();
        Assert.Equal([[1]], TakeReady(buffers));
    }
}
