using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Tables;

/// <summary>A generated processor that looks rows up in a table partitioned with its input, on the embedded broker with real clients.</summary>
public sealed class PartitionedTableTests
{
    private const int Partitions = 4;

    [Fact]
    public async Task Rows_written_before_the_start_wait_for_their_partitions_of_the_table_and_later_rows_see_updates_and_tombstones()
    {
        using var harness = Tables();

        // Drafts of each name before the last: the latest row of a key wins within a load as after it. (That rows wait
        // for the load at all is TableWaitTests' concern: here the load is faster than the first fetch.)
        var sensors = Sensors(40);
        SensorNames.Name(harness, Enumerable.Range(0, 20).SelectMany(draft => sensors.Select(s => (s, $"draft {draft} of {s}"))).ToArray());
        SensorNames.Name(harness, sensors.Select(s => (s, "name of " + s)).Append(("sensor-1", "oven")).ToArray()); // sensor-1's latest wins
        await harness.Produce(sensors.Select((s, i) => new Reading { Time = i, Sensor = s }));

        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, LabeledReading>(Options(harness), new SensorLabeler()).RunAsync(stop.Token);
        var first = Labeled(harness.Read("labeled-readings", 40));

        SensorNames.Name(harness, ("sensor-0", "furnace"));
        await SensorNames.Tombstone(harness, "sensor-2");
        var later = await LabeledUntil(harness, 40, labeled => labeled.Any(l => l is ("sensor-0", "furnace", _)) && labeled.Any(l => l is ("sensor-2", "?", _)));
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(sensors.Take(40).Select(s => s == "sensor-1" ? "oven" : "name of " + s).Order(), first.Select(l => l.Name).Order());
        Assert.All(first, l => Assert.Equal(sensors.Count, l.Held)); // one instance: it holds every partition
        Assert.All(later.Where(l => l.Sensor == "sensor-2").SkipWhile(l => l.Name != "?"), l => Assert.Equal("?", l.Name)); // once deleted, unnamed
        Assert.All(later.Where(l => l.Sensor == "sensor-0").SkipWhile(l => l.Name != "furnace"), l => Assert.Equal("furnace", l.Name));
    }

    [Fact]
    public async Task Each_instance_holds_the_partitions_it_reads_and_takes_over_the_rest_when_the_other_leaves()
    {
        using var harness = Tables();
        var sensors = Sensors(24);
        SensorNames.Name(harness, sensors.Select(s => (s, "name of " + s)).ToArray());

        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var options = Options(harness);
        var statuses = new[] { new ProcessorStatus("first"), new ProcessorStatus("second") };
        var first = new ProcessorRunner<Reading, LabeledReading>(options, new SensorLabeler(), status: statuses[0]).RunAsync(stopFirst.Token);
        var second = new ProcessorRunner<Reading, LabeledReading>(options, new SensorLabeler(), status: statuses[1]).RunAsync(stopSecond.Token);
        await Bounded.Until(() => Task.FromResult(statuses.All(s => s is { Phase: ProcessorPhase.Running, AssignedPartitions: > 0 }) && statuses.Sum(s => s.AssignedPartitions) == Partitions), () => string.Join("; ", statuses.Select(s => s.ToString())));
        await harness.Produce(sensors.Select((s, i) => new Reading { Time = i, Sensor = s }));
        var shared = Labeled(harness.Read("labeled-readings", sensors.Count));

        // The second leaves; the first is assigned its partitions and loads their part of the table before their rows.
        await stopSecond.CancelAsync();
        await second.WithinPatience();
        await Bounded.Until(() => Task.FromResult(statuses[0] is { Phase: ProcessorPhase.Running, AssignedPartitions: Partitions }), () => statuses[0].ToString());
        await harness.Produce(sensors.Select((s, i) => new Reading { Time = 100 + i, Sensor = s }));
        // The hand-over may repeat a few of the first readings (at least once, see DEVELOPERS.md): only the later ones are asserted.
        var alone = TopicReader.ReadUntil<LabeledReading>(harness.Kafka.BootstrapServers, "labeled-readings", rows => rows.Count(r => r.Time >= 100) >= sensors.Count)
            .Where(r => r.Time >= 100).Select(l => (l.Sensor, l.Name, l.Held)).ToList();
        await stopFirst.CancelAsync();
        await first.WithinPatience();

        Assert.Equal(sensors.Select(s => (s, "name of " + s)).Order(), shared.Select(l => (l.Sensor, l.Name)).Order());
        Assert.All(shared, l => Assert.InRange(l.Held, 1, sensors.Count - 1)); // each held its share only
        Assert.Equal(sensors.Select(s => (s, "name of " + s)).Order(), alone.Select(l => (l.Sensor, l.Name)).Order());
        Assert.All(alone, l => Assert.Equal(sensors.Count, l.Held));
    }

    [Fact]
    public async Task A_table_with_another_partition_count_than_the_input_is_refused_before_the_first_row_naming_both()
    {
        using var harness = new KafkaHarness(partitions: 2);
        harness.Kafka.CreateTopic("sensor-names", 3);
        harness.Kafka.CreateTopic("labeled-readings", 2);
        var status = new ProcessorStatus("SensorLabeler");

        var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => new ProcessorRunner<Reading, LabeledReading>(Options(harness), new SensorLabeler(), status: status).RunAsync(CancellationToken.None).WithinPatience());

        Assert.Equal(
            "Processor 'SensorLabeler' reads the table 'sensor-names' partition by partition beside its input 'readings', but 'sensor-names' has 3, 'readings' has 2 partitions: " +
            "a key's table row must be in the partition number its rows are in. Give both topics the same partition count (and write both with the same partitioner), or read the table as a GlobalTable<SensorName>.",
            stopped.Message);
        Assert.Equal((ProcessorPhase.Stopped, 0), (status.Phase, status.AssignedPartitions)); // never subscribed
    }

    private static KafkaHarness Tables()
    {
        var harness = new KafkaHarness(Partitions);
        harness.Kafka.CreateTopic("sensor-names", Partitions);
        harness.Kafka.CreateTopic("labeled-readings", Partitions);
        return harness;
    }

    private static ProcessorOptions Options(KafkaHarness harness) =>
        harness.Options() with { Name = "SensorLabeler", GroupId = "sensor-labeler", OutputTopic = "labeled-readings" };

    private static List<string> Sensors(int count) => Enumerable.Range(0, count).Select(i => "sensor-" + i).ToList();

    private static List<(string Sensor, string Name, int Held)> Labeled(IEnumerable<ConsumeResult<string, byte[]>> messages) =>
        messages.Select(m => MessageSerializer.Deserialize<LabeledReading>(m.Message.Value)).Select(l => (l.Sensor, l.Name, l.Held)).ToList();

    /// <summary>Writes a reading of each of sensor-0 and sensor-2 at a time until the labeled readings after the first <paramref name="skip"/> satisfy <paramref name="done"/>.</summary>
    private static async Task<List<(string Sensor, string Name, int Held)>> LabeledUntil(KafkaHarness harness, int skip, Func<List<(string Sensor, string Name, int Held)>, bool> done)
    {
        var written = 0;
        var labeled = new List<(string Sensor, string Name, int Held)>();
        var deadline = DateTime.UtcNow + Bounded.Patience;
        while (!done(labeled))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the table's update and tombstone were not seen: {string.Join(", ", labeled)}");
            await harness.Produce([new Reading { Time = 100 + written, Sensor = "sensor-0" }, new Reading { Time = 100 + written, Sensor = "sensor-2" }]);
            written += 2;
            labeled = Labeled(harness.Read("labeled-readings", skip + written).Skip(skip));
        }

        return labeled;
    }
}
