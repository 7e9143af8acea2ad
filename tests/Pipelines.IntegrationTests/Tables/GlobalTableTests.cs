using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Tables;

/// <summary>A generated processor that looks rows up in a global table, on the embedded broker with real clients.</summary>
public sealed class GlobalTableTests
{
    [Fact]
    public async Task Rows_written_before_the_start_see_the_table_written_before_it_and_later_rows_see_updates_and_tombstones()
    {
        using var harness = Tables();
        SensorNames.Name(harness, ("s0", "boiler"), ("s1", "oven"), ("s1", "kiln")); // s1's latest wins
        await harness.Produce(KafkaHarness.Readings(0, 4).Select(r => Sensor(r, r.Time % 2 == 0 ? "s0" : "s1")));

        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { Name = "SensorNamer", GroupId = "sensor-namer", OutputTopic = "named-readings" };
        var run = new ProcessorRunner<Reading, NamedReading>(options, new SensorNamer()).RunAsync(stop.Token);
        var first = Named(harness.Read("named-readings", 4));

        // An update and a tombstone; rows written after them come out with them once the table has read them.
        SensorNames.Name(harness, ("s0", "furnace"));
        await SensorNames.Tombstone(harness, "s1");
        var later = await NamedUntil(harness, 4, named => named.Any(n => n is ("s0", "furnace")) && named.Any(n => n is ("s1", "?")));
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([("s0", "boiler"), ("s0", "boiler"), ("s1", "kiln"), ("s1", "kiln")], first.Order());
        Assert.All(later.Where(n => n.Sensor == "s1").SkipWhile(n => n.Name != "?"), n => Assert.Equal("?", n.Name)); // once deleted, s1 stays unnamed
        Assert.All(later.Where(n => n.Sensor == "s0").SkipWhile(n => n.Name != "furnace"), n => Assert.Equal("furnace", n.Name));
    }

    [Fact]
    public async Task A_restarted_processor_reads_its_table_again_with_what_was_written_while_it_was_down()
    {
        using var harness = Tables();
        SensorNames.Name(harness, ("s0", "boiler"), ("s1", "oven"));
        var options = harness.Options() with { Name = "SensorNamer", GroupId = "sensor-namer", OutputTopic = "named-readings" };
        await harness.Produce([new Reading { Time = 1, Sensor = "s0" }, new Reading { Time = 2, Sensor = "s1" }]);
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, NamedReading>(options, new SensorNamer()).RunAsync(stop.Token);
            harness.Read("named-readings", 2);
            await stop.CancelAsync();
            await run.WithinPatience();
        }

        // While it is down: s0 renamed, s1 deleted, s2 added, and a reading of each written.
        SensorNames.Name(harness, ("s0", "furnace"), ("s2", "kiln"));
        await SensorNames.Tombstone(harness, "s1");
        await harness.Produce([new Reading { Time = 3, Sensor = "s0" }, new Reading { Time = 4, Sensor = "s1" }, new Reading { Time = 5, Sensor = "s2" }]);
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, NamedReading>(options, new SensorNamer()).RunAsync(stop.Token);
            var named = Named(harness.Read("named-readings", 5));
            await stop.CancelAsync();
            await run.WithinPatience();

            // The first run's two, committed, are not read again; the second run's three see the table as it was at its start.
            Assert.Equal([("s0", "boiler"), ("s0", "furnace"), ("s1", "?"), ("s1", "oven"), ("s2", "kiln")], named.Order());
        }
    }

    [Fact]
    public async Task Every_instance_of_a_group_holds_the_whole_table_whatever_partitions_it_reads()
    {
        using var harness = Tables(partitions: 4);
        var sensors = Enumerable.Range(0, 12).Select(i => "sensor-" + i).ToList();
        SensorNames.Name(harness, sensors.Select(s => (s, "name of " + s)).ToArray());

        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { Name = "SensorNamer", GroupId = "sensor-namer", OutputTopic = "named-readings" };
        var statuses = new[] { new ProcessorStatus("first"), new ProcessorStatus("second") };
        var instances = statuses.Select(status => new ProcessorRunner<Reading, NamedReading>(options, new SensorNamer(), status: status).RunAsync(stop.Token)).ToList();

        // Both have their share of the partitions (and their whole table) before a reading is written: no hand-over repeats one.
        await Bounded.Until(() => Task.FromResult(statuses.All(s => s is { Phase: ProcessorPhase.Running, AssignedPartitions: > 0 }) && statuses.Sum(s => s.AssignedPartitions) == 4), () => string.Join("; ", statuses.Select(s => s.ToString())));
        await harness.Produce(sensors.Select((s, i) => new Reading { Time = i, Sensor = s, Value = i }));
        var named = harness.Read("named-readings", sensors.Count);
        await stop.CancelAsync();
        await Task.WhenAll(instances).WithinPatience();

        Assert.Equal(sensors.Select(s => (s, "name of " + s)).Order(), Named(named).Order());
        Assert.True(named.Select(n => n.Partition.Value).Distinct().Count() > 1, "the readings spread over partitions, so both instances handled some");
    }

    [Fact]
    public async Task A_processor_whose_table_cannot_be_read_stops_before_its_first_row_and_says_which()
    {
        using var harness = new KafkaHarness(partitions: 1); // no sensor-names topic
        harness.Kafka.CreateTopic("named-readings", 1);
        var status = new ProcessorStatus("SensorNamer");
        var options = harness.Options() with { Name = "SensorNamer", GroupId = "sensor-namer", OutputTopic = "named-readings" };

        var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => new ProcessorRunner<Reading, NamedReading>(options, new SensorNamer(), status: status).RunAsync(CancellationToken.None).WithinPatience());

        Assert.Equal("Processor 'SensorNamer' could not read its table 'sensor-names': the topic does not exist (Broker: Unknown topic or partition)", stopped.Message);
        Assert.Equal((ProcessorPhase.Stopped, 0), (status.Phase, status.AssignedPartitions)); // never subscribed
        Assert.Same(stopped, status.StopReason);
    }

    private static KafkaHarness Tables(int partitions = 2)
    {
        var harness = new KafkaHarness(partitions);
        harness.Kafka.CreateTopic("sensor-names", 3); // a table's partitions need not match the stream's
        harness.Kafka.CreateTopic("named-readings", partitions);
        return harness;
    }

    private static Reading Sensor(Reading reading, string sensor)
    {
        reading.Sensor = sensor;
        return reading;
    }

    private static List<(string Sensor, string Name)> Named(IEnumerable<ConsumeResult<string, byte[]>> messages) =>
        messages.Select(m => MessageSerializer.Deserialize<NamedReading>(m.Message.Value)).Select(n => (n.Sensor, n.Name)).ToList();

    /// <summary>Writes a reading of each of s0 and s1 at a time until the named readings after the first <paramref name="skip"/> satisfy <paramref name="done"/>.</summary>
    private static async Task<List<(string Sensor, string Name)>> NamedUntil(KafkaHarness harness, int skip, Func<List<(string Sensor, string Name)>, bool> done)
    {
        var written = 0;
        var named = new List<(string Sensor, string Name)>();
        var deadline = DateTime.UtcNow + Bounded.Patience;
        while (!done(named))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the table's update and tombstone were not seen: {string.Join(", ", named)}");
            await harness.Produce([new Reading { Time = 100 + written, Sensor = "s0" }, new Reading { Time = 100 + written, Sensor = "s1" }]);
            written += 2;
            named = Named(harness.Read("named-readings", skip + written).Skip(skip));
        }

        return named;
    }
}
