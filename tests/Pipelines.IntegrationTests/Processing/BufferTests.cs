using System.Collections.Concurrent;
using System.Text;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>Input and output buffers, packed messages and the buffer hooks, on the embedded broker.</summary>
public class BufferTests
{
    private static readonly TestProcessor<Reading, Doubled> Double =
        new() { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(Twice(row)) };

    private static Doubled Twice(Reading row) => new() { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 };

    private static List<Reading> Stream(string sensor, IEnumerable<long> times) =>
        times.Select(t => new Reading { Time = t, Sensor = sensor, Value = t }).ToList();

    /// <summary>A batch handler that doubles every row and records each call's rows.</summary>
    private static TestProcessor<Reading, Doubled> Recording(ConcurrentQueue<(string Key, long[] Times)> calls) => new()
    {
        Rows = (rows, outputs, context, _) =>
        {
            calls.Enqueue((Encoding.UTF8.GetString(context.KeyBytes.Span), rows.Select(r => r.Time).ToArray()));
            foreach (var row in rows)
            {
                outputs.Add(Twice(row));
            }

            return default;
        },
    };

    [Fact]
    public async Task Packed_input_is_handled_row_by_row_and_a_failing_row_is_dead_lettered_alone()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.ProducePacked("sensor-0", Stream("sensor-0", Enumerable.Range(0, 10).Select(i => (long)i)));
        using var stop = new CancellationTokenSource();
        var failOnThree = new TestProcessor<Reading, Doubled> { Row = (row, context, token) => row.Time == 3 ? throw new InvalidOperationException("row 3 is cursed") : Double.Row!(row, context, token) };

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options() with { MaxRetries = 0 }, failOnThree).RunAsync(stop.Token);
        var outputs = harness.Read("doubled", 9);
        var letter = harness.Read("readings.dlq", 1).Single();
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([0L, 1, 2, 4, 5, 6, 7, 8, 9], outputs.Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value).Time));
        Assert.Equal(3, MessageSerializer.Deserialize<Reading>(letter.Message.Value).Time);
        Assert.Equal("3-3/10", Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.SourceRows)));
        Assert.False(letter.Message.Headers.TryGetLastBytes(MessageTypes.Header, out _));
        Assert.Equal("sensor-0", letter.Message.Key);
        Assert.Equal(1, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task An_output_buffer_packs_each_streams_rows_many_per_message()
    {
        using var harness = new KafkaHarness();
        await harness.Produce(KafkaHarness.Readings(0, 1000));
        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { OutputBuffer = new BufferOptions { MaxRows = 50, Timeout = TimeSpan.FromMilliseconds(200) } };

        var run = new ProcessorRunner<Reading, Doubled>(options, Double).RunAsync(stop.Token);
        var messages = harness.ReadDoubledRows(1000);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), messages.SelectMany(m => m.Rows).Select(r => r.Time).Order());
        Assert.All(messages, m => Assert.All(m.Rows, row => Assert.Equal(m.Result.Message.Key, row.Sensor)));
        Assert.All(messages, m => Assert.InRange(m.Rows.Count, 1, 50));
        Assert.Contains(messages, m => m.Rows.Count == 50);
        Assert.True(messages.Count <= 100, $"1,000 rows took {messages.Count} messages.");
        Assert.Equal(1000, harness.CommittedTotal("doubler"));
    }

    [Fact]
    public async Task An_output_buffers_MaxBytes_bounds_every_message_it_writes()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(Stream("s", Enumerable.Range(0, 200).Select(i => (long)i)));
        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { OutputBuffer = new BufferOptions { MaxBytes = 400, Timeout = TimeSpan.FromMilliseconds(100) } };

        var run = new ProcessorRunner<Reading, Doubled>(options, Double).RunAsync(stop.Token);
        var messages = harness.ReadDoubledRows(200);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.All(messages, m => Assert.InRange(m.Result.Message.Value.Length, 1, 400));
        Assert.Contains(messages, m => m.Rows.Count > 5);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), messages.SelectMany(m => m.Rows).Select(r => r.Time));
    }

    [Fact]
    public async Task An_input_buffer_hands_a_batch_handler_full_buffers_of_one_stream_in_order()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 100));
        using var stop = new CancellationTokenSource();
        var calls = new ConcurrentQueue<(string Key, long[] Times)>();
        var options = harness.Options() with { InputBuffer = new BufferOptions { MaxRows = 10, Timeout = TimeSpan.FromMinutes(10) } };

        var run = new ProcessorRunner<Reading, Doubled>(options, Recording(calls)).RunAsync(stop.Token);
        harness.Read("doubled", 100);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(10, calls.Count);
        Assert.All(calls, call => Assert.Equal(10, call.Times.Length));
        Assert.All(calls, call => Assert.All(call.Times, time => Assert.Equal("sensor-" + (time % 5), call.Key)));
        Assert.All(calls, call => Assert.Equal(call.Times.Order(), call.Times));
        Assert.Equal(100, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task An_input_buffers_MaxBytes_counts_the_bytes_the_rows_arrived_in()
    {
        using var harness = new KafkaHarness(partitions: 1);
        var readings = Stream("s", Enumerable.Range(0, 30).Select(i => (long)i));
        await harness.Produce(readings);
        var size = MessageSerializer.Serialize(readings[0]).Length;
        using var stop = new CancellationTokenSource();
        var calls = new ConcurrentQueue<(string Key, long[] Times)>();
        var options = harness.Options() with { InputBuffer = new BufferOptions { MaxBytes = (size * 10) + (size / 2), Timeout = TimeSpan.FromMilliseconds(300) } };

        var run = new ProcessorRunner<Reading, Doubled>(options, Recording(calls)).RunAsync(stop.Token);
        harness.Read("doubled", 30);
        await stop.CancelAsync();
        await run.WithinPatience();

        // Ten single-row messages fit; the eleventh would not. (Every row here has the same size.)
        Assert.All(readings, r => Assert.Equal(size, MessageSerializer.Serialize(r).Length));
        Assert.Equal([10, 10, 10], calls.Select(c => c.Times.Length));
    }

    [Fact]
    public async Task DataSpan_cuts_batches_by_row_time_and_Timeout_flushes_a_quiet_stream()
    {
        const long Millisecond = 1_000_000;
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(Stream("s", Enumerable.Range(0, 25).Select(i => i * Millisecond)));
        using var stop = new CancellationTokenSource();
        var calls = new ConcurrentQueue<(string Key, long[] Times)>();
        var options = harness.Options() with { InputBuffer = new BufferOptions { DataSpan = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromMilliseconds(300) } };

        var run = new ProcessorRunner<Reading, Doubled>(options, Recording(calls)).RunAsync(stop.Token);
        harness.Read("doubled", 25);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(
            [Enumerable.Range(0, 10), Enumerable.Range(10, 10), Enumerable.Range(20, 5)],
            calls.Select(call => call.Times.Select(t => (int)(t / Millisecond))));
    }

    [Fact]
    public async Task The_filter_drops_rows_and_FlushWhen_decides_when_a_buffer_flushes()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(Stream("s", Enumerable.Range(0, 12).Select(i => (long)i)));
        using var stop = new CancellationTokenSource();
        var calls = new ConcurrentQueue<(string Key, long[] Times)>();
        var processor = Recording(calls) with { Filter = row => row.Time % 2 == 0, FlushWhen = rows => rows.Count == 3 };
        var options = harness.Options() with { InputBuffer = new BufferOptions() };

        var run = new ProcessorRunner<Reading, Doubled>(options, processor).RunAsync(stop.Token);
        harness.Read("doubled", 6);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([[0L, 2, 4], [6, 8, 10]], calls.Select(call => call.Times));
        Assert.Equal(12, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task Reorder_hands_rows_to_the_handler_in_timestamp_order()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(Stream("s", [5, 3, 1, 4, 2, 9, 7, 8, 6, 10]));
        using var stop = new CancellationTokenSource();
        var order = new ConcurrentQueue<long>();
        var handler = new TestProcessor<Reading, Doubled>
        {
            Row = (row, _, _) =>
            {
                order.Enqueue(row.Time);
                return ValueTask.FromResult<Doubled?>(Twice(row));
            },
        };
        var options = harness.Options() with { InputBuffer = new BufferOptions { Reorder = TimeSpan.FromMilliseconds(500) } };

        var run = new ProcessorRunner<Reading, Doubled>(options, handler).RunAsync(stop.Token);
        harness.Read("doubled", 10);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), order);
    }

    [Fact]
    public async Task On_shutdown_buffered_rows_are_handled_written_and_committed()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(Stream("s", Enumerable.Range(0, 7).Select(i => (long)i)));
        using var stop = new CancellationTokenSource();
        var calls = new ConcurrentQueue<(string Key, long[] Times)>();
        var buffered = new Collected<long>();
        var processor = Recording(calls) with
        {
            Filter = row =>
            {
                buffered.Add(row.Time);
                return true;
            },
        };
        var hold = new BufferOptions { MaxRows = 100, Timeout = TimeSpan.FromMinutes(10) };
        var options = harness.Options() with { InputBuffer = hold, OutputBuffer = hold };

        var run = new ProcessorRunner<Reading, Doubled>(options, processor).RunAsync(stop.Token);
        await buffered.Until(times => times.Count == 7);
        Assert.Equal(7, buffered.Count);
        Assert.Empty(calls);
        await stop.CancelAsync();
        await run.WithinPatience();

        var message = Assert.Single(harness.ReadDoubledRows(7));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (long)i), message.Rows.Select(r => r.Time));
        Assert.Equal(7, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task A_revoked_instance_handles_its_buffered_rows_before_it_hands_over_and_loses_none()
    {
        using var harness = new KafkaHarness(partitions: 2);
        await harness.Produce(KafkaHarness.Readings(0, 40));
        using var stop = new CancellationTokenSource();
        var calls = new ConcurrentQueue<(string Key, long[] Times)>();
        var buffered = new Collected<long>();
        var processor = Recording(calls) with
        {
            Filter = row =>
            {
                buffered.Add(row.Time);
                return true;
            },
        };
        // The eager protocol, so that the first instance gives up both partitions and holds nothing back (under the
        // default, cooperative one, it would keep one partition and its buffered rows).
        var options = harness.Options() with
        {
            InputBuffer = new BufferOptions { MaxRows = 1000, Timeout = TimeSpan.FromMinutes(10) },
            Kafka = new Dictionary<string, string> { ["partition.assignment.strategy"] = "range" },
        };

        var first = new ProcessorRunner<Reading, Doubled>(options, processor).RunAsync(stop.Token);
        await buffered.Until(times => times.Distinct().Count() == 40);
        Assert.Equal(40, buffered.Distinct().Count());
        Assert.Empty(calls);

        // The second instance's arrival revokes the first one's partitions: it handles and writes what it holds first.
        // (It then commits. A real broker takes that commit; the embedded one refuses commits while a rebalance is
        // in progress, so here the next owner may handle some of those rows again: at least once, never lost.)
        var second = new ProcessorRunner<Reading, Doubled>(options, processor).RunAsync(stop.Token);
        var handedOver = harness.ReadDoubledRows(40);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), handedOver.SelectMany(m => m.Rows).Select(r => r.Time).Order());
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), calls.SelectMany(c => c.Times).Order());

        // Rows buffered at shutdown are handled and written before the final commit.
        await harness.Produce(KafkaHarness.Readings(40, 40));
        await buffered.Until(times => times.Distinct().Count() == 80);

        await stop.CancelAsync();
        await Task.WhenAll(first, second).WithinPatience();

        var seen = TopicReader.ReadRows<Doubled>(harness.Kafka.BootstrapServers, "doubled", calls.Sum(c => c.Times.Length)).SelectMany(m => m.Rows).Select(r => r.Time).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 80).Select(i => (long)i), seen.Order());
    }
}
