using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipelines.Infrastructure;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.Publishing;

namespace Pipelines.IntegrationTests.Joins;

/// <summary>Generated interval and as-of joins on the embedded broker with real clients: boundaries, left rows, late rows, a restart mid-join.</summary>
public sealed class JoinTests
{
    private const int Partitions = 2;
    private const long Ms = 1_000_000; // timestamps are nanoseconds

    [Fact]
    public async Task An_interval_join_pairs_rows_at_most_within_apart_both_ends_included_whatever_topic_is_read_first()
    {
        using var harness = Harness("marked-readings");
        await harness.Produce(Readings("s0", 0, 1000, 2000, 3000, 4002));
        Mark(harness, ("s0", 1000, "A"), ("s0", 3001, "B"));
        using var stop = new CancellationTokenSource();
        var run = Run<MarkedReadings>(harness, stop.Token);
        var marked = Read(harness, "marked", rows => rows.Count >= 4);
        await stop.CancelAsync();
        await run.WithinPatience();

        // 0 and 2000 are exactly a second from A; 3001 is 1001 ms from 2000 and from 4002, one past the second.
        Assert.Equal([(0, "A"), (1000, "A"), (2000, "A"), (3000, "B")], marked.Select(m => (m.Time / Ms, m.Label)).Order());
    }

    [Fact]
    public async Task A_join_registered_by_hand_with_AddProcessor_runs_in_a_host()
    {
        using var harness = Harness("marked-readings");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", harness.Kafka.BootstrapServers)]);
        builder.Services.AddProcessor<MarkedReadings>(builder.Configuration);   // no Merged<Reading, Marker> to spell out
        using var host = builder.Build();
        await host.StartAsync().WithinPatience();
        await harness.Produce(Readings("s0", 0, 5000));
        Mark(harness, ("s0", 500, "A"));

        var marked = Read(harness, "marked", rows => rows.Count >= 1);
        await host.StopAsync().WithinPatience();

        Assert.Equal((0, "A"), (marked.Single().Time / Ms, marked.Single().Label));
    }

    [Fact]
    public async Task An_input_buffer_that_reorders_lets_a_backlog_of_both_topics_meet_in_data_time_order_within_a_small_grace()
    {
        using var harness = Harness("reordered-marked-readings", "reordered-marked");
        await harness.Produce(Readings("s0", 0, 1000, 2000, 3000, 4002));
        Mark(harness, ("s0", 1000, "A"), ("s0", 3001, "B"));
        using var stop = new CancellationTokenSource();
        var run = Run<ReorderedMarkedReadings>(harness, stop.Token);

        // A second of grace: read in fetch order, a marker fetched after the readings up to 4002 would be late.
        var marked = Read(harness, "reordered-marked", rows => rows.Count >= 4);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([(0, "A"), (1000, "A"), (2000, "A"), (3000, "B")], marked.Select(m => (m.Time / Ms, m.Label)).Order());
    }

    [Fact]
    public async Task A_backlog_of_both_topics_meets_in_data_time_order_within_the_default_grace_without_a_buffer()
    {
        using var harness = Harness("aligned-marked-readings", "aligned-marked");

        // Three seconds of readings, one a millisecond, all written before the markers: read as fetched, the readings
        // would run seconds ahead and the markers would be late. More readings than an input holds before it is paused.
        harness.Write(Readings("s0", Enumerable.Range(0, 3000).Select(t => (long)t).ToArray()));
        Mark(harness, ("s0", 500, "A"), ("s0", 1500, "B"), ("s0", 2500, "C"));
        using var stop = new CancellationTokenSource();
        var run = Run<AlignedMarkedReadings>(harness, stop.Token);

        // Every reading at most a second from a marker, both ends included: 1501 + 2001 + 1500 pairs.
        var marked = Read(harness, "aligned-marked", rows => rows.Count >= 5002);
        await stop.CancelAsync();
        await run.WithinPatience();

        var expected = new[] { ("A", 500L), ("B", 1500L), ("C", 2500L) }
            .SelectMany(m => Enumerable.Range(0, 3000).Where(t => Math.Abs(t - m.Item2) <= 1000).Select(t => ((long)t, m.Item1)));
        Assert.Equal(expected.Order(), marked.Select(m => (m.Time / Ms, m.Label)).Order());
    }

    [Fact]
    public async Task A_left_interval_join_hands_over_a_row_without_a_match_once_the_key_has_passed_it()
    {
        using var harness = Harness("left-marked-readings", "left-marked");
        await harness.Produce(Readings("s0", 0, 1000, 4002));
        Mark(harness, ("s0", 1000, "A"));
        using var stop = new CancellationTokenSource();
        var run = Run<LeftMarkedReadings>(harness, stop.Token);
        var matched = Read(harness, "left-marked", rows => rows.Count >= 2);

        // 4002 waits until the key's data time passes it by the interval and the grace: a marker at 70 s moves it there.
        Mark(harness, ("s0", 70_000, "C"));
        var all = Read(harness, "left-marked", rows => rows.Count >= 3);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([(0, "A"), (1000, "A")], matched.Select(m => (m.Time / Ms, m.Label)).Order());
        Assert.Equal((4002, "none"), (all[2].Time / Ms, all[2].Label));
    }

    [Fact]
    public async Task An_as_of_join_takes_the_latest_row_at_or_before_the_left_rows_time_the_last_read_of_equal_times()
    {
        using var harness = Harness("latest-markers", "as-of-marked");
        using var stop = new CancellationTokenSource();
        var run = Run<LatestMarkers>(harness, stop.Token);

        // The markers are handled before any reading (their offsets committed): an as-of join looks up what it holds.
        Mark(harness, ("s0", 1000, "A"), ("s0", 2000, "B"), ("s0", 2000, "B2"), ("s0", 3000, "C"));
        await Bounded.Until(() => Task.FromResult(harness.CommittedTotal("latest-markers", "markers", Partitions) == 4), () => $"markers committed: {harness.CommittedTotal("latest-markers", "markers", Partitions)}");
        await harness.Produce(Readings("s0", 500, 1999, 2000, 2500, 3000, 8001));
        var marked = Read(harness, "as-of-marked", rows => rows.Count >= 6);
        await stop.CancelAsync();
        await run.WithinPatience();

        // 500: nothing at or before it; 8001: C is 5001 ms old, one past the tolerance.
        Assert.Equal([(500, "none"), (1999, "A"), (2000, "B2"), (2500, "B2"), (3000, "C"), (8001, "none")], marked.Select(m => (m.Time / Ms, m.Label)));
    }

    [Fact]
    public async Task A_restart_mid_join_finds_the_rows_that_waited_in_state_and_pairs_each_once()
    {
        using var harness = Harness("marked-readings");
        await harness.Produce(Readings("s0", 0, 1000, 2000));
        using (var stop = new CancellationTokenSource())
        {
            var run = Run<MarkedReadings>(harness, stop.Token);

            // Committed offsets come after the checkpoint that holds the waiting readings.
            await Bounded.Until(() => Task.FromResult(harness.CommittedTotal("marked-readings", "readings", Partitions) == 3), () => "readings not committed yet");
            await stop.CancelAsync();
            await run.WithinPatience();
        }

        Mark(harness, ("s0", 1000, "A"));
        using (var stop = new CancellationTokenSource())
        {
            var run = Run<MarkedReadings>(harness, stop.Token);
            var marked = Read(harness, "marked", rows => rows.Count >= 3);
            await stop.CancelAsync();
            await run.WithinPatience();

            Assert.Equal([(0, "A"), (1000, "A"), (2000, "A")], marked.Select(m => (m.Time / Ms, m.Label)).Order());
        }
    }

    [Fact]
    public async Task A_row_further_behind_the_keys_data_time_than_the_grace_is_late_and_dead_lettered_with_the_reason()
    {
        using var harness = Harness("marked-readings");
        await harness.Produce(Readings("s0", 100_000, 4000)); // 96 s behind, beyond the minute of grace
        Mark(harness, ("s0", 100_000, "A"));
        using var stop = new CancellationTokenSource();
        var run = Run<MarkedReadings>(harness, stop.Token);
        var marked = Read(harness, "marked", rows => rows.Count >= 1);
        var dead = harness.Read("readings.dlq", 1);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal((100_000, "A"), (marked[0].Time / Ms, marked[0].Label));
        Assert.Equal(4000 * Ms, MessageSerializer.Deserialize<Reading>(dead[0].Message.Value).Time);
        Assert.True(dead[0].Message.Headers.TryGetLastBytes(DeadLetterHeaders.ExceptionType, out var type) && System.Text.Encoding.UTF8.GetString(type).EndsWith("LateRowException", StringComparison.Ordinal));
    }

    private static KafkaHarness Harness(string group, string output = "marked")
    {
        var harness = new KafkaHarness(Partitions);
        harness.Kafka.CreateTopic("markers", Partitions);
        harness.Kafka.CreateTopic(output, Partitions);
        harness.Kafka.CreateTopic($"{group}.join.changelog", Partitions);
        return harness;
    }

    private static Task Run<TProcessor>(KafkaHarness harness, CancellationToken stop)
        where TProcessor : class, IProcessor<TProcessor, Merged<Reading, Marker>, MarkedReading>, new()
    {
        var options = TProcessor.PipelinesDescriptor.Defaults(harness.Kafka.BootstrapServers, harness.Options().ConsumerKafka) with
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-join-" + Guid.NewGuid().ToString("N")),
            StateStore = StateStoreKind.Memory,
            CommitInterval = TimeSpan.FromMilliseconds(200),
            RetryBackoff = TimeSpan.FromMilliseconds(1),
        };
        return new ProcessorRunner<Merged<Reading, Marker>, MarkedReading>(options, new TProcessor()).RunAsync(stop);
    }

    private static IEnumerable<Reading> Readings(string sensor, params long[] ms) => ms.Select(t => new Reading { Sensor = sensor, Time = t * Ms, Value = t });

    private static void Mark(KafkaHarness harness, params (string Sensor, long Ms, string Label)[] markers)
    {
        using var writer = new TopicWriter<Marker>(new TopicWriterOptions { BootstrapServers = harness.Kafka.BootstrapServers });
        foreach (var (sensor, ms, label) in markers)
        {
            writer.Write(new Marker { Sensor = sensor, Time = ms * Ms, Label = label });
        }
    }

    private static List<MarkedReading> Read(KafkaHarness harness, string topic, Func<List<MarkedReading>, bool> done) =>
        TopicReader.ReadUntil(harness.Kafka.BootstrapServers, topic, done);
}
