using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.Publishing;

namespace Pipelines.IntegrationTests.Merging;

/// <summary>A generated processor with two input topics and one keyed state, on the embedded broker with real clients.</summary>
public sealed class MergedInputTests
{
    private const int Partitions = 2;

    [Fact]
    public async Task Rows_of_both_inputs_reach_their_handlers_and_share_the_keys_state()
    {
        using var harness = Harness();
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Pipelines.Infrastructure.Merged<Calibration, Reading>, Calibrated>(Options(harness), new Calibrator()).RunAsync(stop.Token);

        // Across topics the order is the fetch's, so each step waits for the last one's outputs.
        Calibrate(harness, ("s0", 10), ("s1", 100));
        Until(harness, rows => rows.Count(r => r.Kind == "calibration") == 2);
        await harness.Produce([Reading("s0", 1, 1), Reading("s1", 2, 2)]);
        var rows = Until(harness, rows => rows.Count(r => r.Kind == "reading") == 2);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([("s0", 11.0, 1), ("s1", 102.0, 1)], rows.Where(r => r.Kind == "reading").Select(r => (r.Sensor, r.Value, r.Calibrations)).Order());
    }

    [Fact]
    public async Task A_backlog_of_both_inputs_is_handled_in_timestamp_order_across_them()
    {
        using var harness = Harness();

        // 1,500 readings written before the calibrations they fall between: as fetched, most would come first. More
        // readings than an input holds before it is paused.
        harness.Write(Enumerable.Range(0, 1500).Select(i => Reading("s0", 2 * i, 1)));
        Calibrate(harness, ("s0", 10, 999), ("s0", 20, 1999));
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Pipelines.Infrastructure.Merged<Calibration, Reading>, Calibrated>(Options(harness), new Calibrator()).RunAsync(stop.Token);
        var rows = Until(harness, rows => rows.Count(r => r.Kind == "reading") == 1500);
        await stop.CancelAsync();
        await run.WithinPatience();

        var readings = rows.Where(r => r.Kind == "reading").OrderBy(r => r.Time).ToList();
        Assert.Equal(
            readings.Select(r => r.Time < 999 ? (0, 1.0) : r.Time < 1999 ? (1, 11.0) : (2, 21.0)),
            readings.Select(r => (r.Calibrations, r.Value)));
    }

    [Fact]
    public async Task A_restart_restores_the_state_both_inputs_built_and_a_later_row_of_one_is_not_taken_for_a_replay_of_the_other()
    {
        using var harness = Harness();
        var options = Options(harness);
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Pipelines.Infrastructure.Merged<Calibration, Reading>, Calibrated>(options, new Calibrator()).RunAsync(stop.Token);
            Calibrate(harness, ("s0", 10));
            Until(harness, rows => rows.Count(r => r.Kind == "calibration") == 1);

            // Readings move the readings topic's offsets far past the calibrations topic's.
            await harness.Produce(Enumerable.Range(0, 20).Select(i => Reading("s0", i, 1)));
            Until(harness, rows => rows.Count(r => r.Kind == "reading") == 20);

            // A second calibration, at offset 1 of its topic: new, though its offset is below the readings' (a position of one input says nothing of another's).
            Calibrate(harness, ("s0", 20));
            Until(harness, rows => rows.Count(r => r.Kind == "calibration") == 2);
            await stop.CancelAsync();
            await run.WithinPatience();
        }

        await harness.Produce([Reading("s0", 100, 1)]);
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Pipelines.Infrastructure.Merged<Calibration, Reading>, Calibrated>(options, new Calibrator()).RunAsync(stop.Token);
            var rows = Until(harness, rows => rows.Any(r => r.Time == 100));
            await stop.CancelAsync();
            await run.WithinPatience();

            Assert.Equal([1, 2], rows.Where(r => r.Kind == "calibration").Select(r => r.Calibrations).Distinct().Order());
            var last = rows.Single(r => r.Time == 100);
            Assert.Equal((21.0, 2), (last.Value, last.Calibrations)); // the restored state: the second calibration, applied once
        }
    }

    [Fact]
    public async Task Inputs_with_different_partition_counts_are_refused_before_the_first_row_naming_each()
    {
        using var harness = new KafkaHarness(partitions: 2);
        harness.Kafka.CreateTopic("calibrations", 3);
        harness.Kafka.CreateTopic("calibrated", 2);
        var status = new ProcessorStatus("Calibrator");

        var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => new ProcessorRunner<Pipelines.Infrastructure.Merged<Calibration, Reading>, Calibrated>(Options(harness), new Calibrator(), status: status).RunAsync(CancellationToken.None).WithinPatience());

        Assert.Equal(
            "Processor 'Calibrator' reads several topics as one input, but 'calibrations' has 3, 'readings' has 2 partitions: a key's rows of every input must be in the same partition number. " +
            "Give the topics the same partition count (and write them with the same partitioner).",
            stopped.Message);
        Assert.Equal((ProcessorPhase.Stopped, 0), (status.Phase, status.AssignedPartitions));
    }

    private static KafkaHarness Harness()
    {
        var harness = new KafkaHarness(Partitions);
        harness.Kafka.CreateTopic("calibrations", Partitions);
        harness.Kafka.CreateTopic("calibrated", Partitions);
        harness.Kafka.CreateTopic(Pipelines.State.StateStage.ChangelogTopicOf("calibrator", "state"), Partitions);
        return harness;
    }

    /// <summary>The generated descriptor's options, on the harness's broker, with a state directory of this test's own.</summary>
    private static ProcessorOptions Options(KafkaHarness harness) =>
        Calibrator.PipelinesDescriptor.Defaults(harness.Kafka.BootstrapServers, harness.Options().ConsumerKafka) with
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-merge-" + Guid.NewGuid().ToString("N")),
            StateStore = StateStoreKind.Memory,
            CommitInterval = TimeSpan.FromMilliseconds(200),
        };

    private static Reading Reading(string sensor, long time, double value) => new() { Sensor = sensor, Time = time, Value = value };

    private static void Calibrate(KafkaHarness harness, params (string Sensor, double Offset)[] calibrations) =>
        Calibrate(harness, calibrations.Select(c => (c.Sensor, c.Offset, 1L)).ToArray());

    private static void Calibrate(KafkaHarness harness, params (string Sensor, double Offset, long Time)[] calibrations)
    {
        using var writer = new TopicWriter<Calibration>(new TopicWriterOptions { BootstrapServers = harness.Kafka.BootstrapServers });
        foreach (var (sensor, offset, time) in calibrations)
        {
            writer.Write(new Calibration { Sensor = sensor, Offset = offset, Time = time });
        }
    }

    private static List<Calibrated> Until(KafkaHarness harness, Func<List<Calibrated>, bool> done) =>
        TopicReader.ReadUntil(harness.Kafka.BootstrapServers, "calibrated", done);
}
