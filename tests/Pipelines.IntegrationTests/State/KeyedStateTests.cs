using Confluent.Kafka;
using Pipelines.Infrastructure;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.State;

namespace Pipelines.IntegrationTests.State;

public sealed class KeyedStateTests : IDisposable
{
    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-state-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Counts each sensor's readings in its state and writes the running count as the output's value.</summary>
    private static readonly TestProcessor<Reading, Doubled> Counter = new()
    {
        State = StateDefinition.Of<Tally>("tally"),
        Row = (row, context, _) =>
        {
            var state = context.State<Tally>();
            var tally = state.GetValueOrDefault(default);
            state.Value = tally with { Count = tally.Count + 1, Sum = tally.Sum + row.Value };
            return ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = tally.Count + 1 });
        },
    };

    public void Dispose()
    {
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData(StateStoreKind.RocksDb, false)]
    [InlineData(StateStoreKind.RocksDb, true)]
    [InlineData(StateStoreKind.Memory, false)]
    public async Task State_survives_a_restart_restored_from_its_store_or_from_the_changelog_alone(StateStoreKind store, bool deleteStateDirectory)
    {
        using var harness = Harness();
        var options = Options(harness, store);

        await harness.Produce(KafkaHarness.Readings(0, 50));
        await RunUntil(harness, options, outputs: 50);
        Assert.Equal(store == StateStoreKind.RocksDb, Directory.Exists(stateDirectory));
        if (deleteStateDirectory)
        {
            Directory.Delete(stateDirectory, recursive: true);
        }

        await harness.Produce(KafkaHarness.Readings(50, 50));
        var logs = new ListLogger();
        var outputs = await RunUntil(harness, options, outputs: 100, logs);

        // Ten readings per sensor in each run: the second run counts on from ten.
        Assert.All(outputs.GroupBy(o => o.Sensor), sensor => Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), sensor.Select(o => o.Value).Order()));

        // At least one changelog record per sensor from the first run's checkpoints (five sensors on three
        // partitions; a periodic checkpoint may have come before the last): a kept store needs none back and restores no
        // partition, a new one all, every partition together.
        var assigned = Assert.Single(logs.At(Microsoft.Extensions.Logging.LogLevel.Information), m => m.Contains("opened the state of 3 partition(s)", StringComparison.Ordinal));
        var summary = System.Text.RegularExpressions.Regex.Match(assigned, @"restored (\d+) of them: (\d+) changelog records");
        var (partitions, total) = (int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(summary.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var perPartition = logs.At(Microsoft.Extensions.Logging.LogLevel.Debug).Count(m => m.Contains("restored the state of partition", StringComparison.Ordinal));
        if (store == StateStoreKind.RocksDb && !deleteStateDirectory)
        {
            Assert.Equal((0, 0, 0), (partitions, total, perPartition));
        }
        else
        {
            Assert.Equal(3, partitions);
            Assert.Equal(3, perPartition);
            Assert.InRange(total, 5, 10);
        }
    }

    [Fact]
    public async Task Outputs_and_changelog_records_that_time_out_are_written_again_and_every_row_is_counted_once()
    {
        using var harness = Harness();
        await harness.Produce(KafkaHarness.Readings(0, 100));
        var logs = new ListLogger();

        // Produce requests fail for a few seconds and a message has one: outputs and changelog records time out, their
        // partitions are read again from their last checkpoint, and no row's count is lost or counted twice.
        harness.Kafka.PushRequestErrors(0, Enumerable.Repeat(ErrorCode.NotEnoughReplicas, 40).ToArray());
        var options = Options(harness, StateStoreKind.RocksDb) with
        {
            CommitInterval = TimeSpan.FromMilliseconds(200),
            Kafka = new Dictionary<string, string> { ["message.timeout.ms"] = "1000", ["retry.backoff.ms"] = "250", ["retry.backoff.max.ms"] = "250" },
        };
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(options, Counter, logs).RunAsync(stop.Token);
        // Read until every sensor's counts 1 to 20 are there: a count whose output failed is written again only when its
        // partition is read again, which may be after later counts of the sensor went through.
        var outputs = TopicReader.ReadUntil<Doubled>(harness.Kafka.BootstrapServers, "doubled", read => read.GroupBy(o => o.Sensor).Count(s => s.Select(o => o.Value).Distinct().Count(v => v is >= 1 and <= 20) == 20) == 5);
        var stillRunning = !run.IsCompleted;
        await stop.CancelAsync();
        await run.WithinPatience(() => logs.ToString());

        // At least once: a count may be written twice, but every sensor's counts are 1 to 20, and none beyond (no row counted twice).
        Assert.True(stillRunning, logs.ToString());
        Assert.Contains(logs.At(Microsoft.Extensions.Logging.LogLevel.Warning), m => m.Contains("reads those partitions again", StringComparison.Ordinal));
        var written = harness.Read("doubled", (int)harness.EndOf("doubled")).Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value));
        Assert.All(written.GroupBy(o => o.Sensor), sensor => Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), sensor.Select(o => o.Value).Distinct().Order()));
        Assert.Equal(5, outputs.Select(o => o.Sensor).Distinct().Count());
        Assert.Equal(100, harness.CommittedTotal("doubler"));
    }

    [Fact]
    public async Task Rows_applied_to_state_before_a_restart_that_reads_them_again_are_not_applied_twice()
    {
        using var harness = Harness(partitions: 1);
        var options = Options(harness, StateStoreKind.Memory) with { CommitInterval = TimeSpan.FromMilliseconds(100) };
        await harness.Produce(KafkaHarness.Readings(0, 50));

        // The broker refuses every commit of the first run, as if the host died after its state checkpoint and
        // before any commit: the second run reads all fifty rows again.
        harness.Kafka.PushRequestErrors(8, Enumerable.Repeat(ErrorCode.NotCoordinatorForGroup, 1000).ToArray());
        await RunUntil(harness, options, outputs: 50);
        Assert.Equal(0, harness.CommittedTotal("doubler", partitions: 1));
        harness.Kafka.PushRequestErrors(8);

        await harness.Produce(KafkaHarness.Readings(50, 50));
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, Doubled>(options, Counter).RunAsync(stop.Token);
            harness.ReadUntilSeen([99]); // one partition, in order: every row before the last was handled too
            await stop.CancelAsync();
            await run.WithinPatience();
        }

        // The replayed rows were neither applied nor written again: 50 outputs per run, and the counts run to 20
        // (applied twice, they would run to 30, and the second run would have written 100).
        var outputs = harness.Read("doubled", 100).Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value)).ToList();
        Assert.Equal(100, harness.EndOf("doubled", partitions: 1));
        Assert.All(outputs.GroupBy(o => o.Sensor), sensor => Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), sensor.Select(o => o.Value).Order()));
    }

    [Fact]
    public async Task A_second_instance_takes_over_partitions_with_their_state_and_every_count_is_made_exactly_once()
    {
        using var harness = Harness();
        var first = Options(harness, StateStoreKind.RocksDb) with { StateDirectory = Path.Combine(stateDirectory, "first") };
        var second = first with { StateDirectory = Path.Combine(stateDirectory, "second") };
        await harness.Produce(KafkaHarness.Readings(0, 50));

        using var stop = new CancellationTokenSource();
        var runs = new List<Task> { new ProcessorRunner<Reading, Doubled>(first, Counter).RunAsync(stop.Token) };
        harness.Read("doubled", 50);

        // The second instance joins: the first checkpoints the partitions it gives up, the second restores them from
        // their changelogs before it handles their rows. (The embedded broker may refuse the hand-over's commit, so
        // the second may read rows the first applied: their state says so, and they are not counted again.)
        var logs = new ListLogger();
        runs.Add(new ProcessorRunner<Reading, Doubled>(second, Counter, logs).RunAsync(stop.Token));
        await logs.Logged(Microsoft.Extensions.Logging.LogLevel.Information, "opened the state of", runs[1]);
        await harness.Produce(KafkaHarness.Readings(50, 50));
        var outputs = harness.Read("doubled", 100).Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value)).ToList();
        await stop.CancelAsync();
        await Task.WhenAll(runs).WithinPatience();

        Assert.All(outputs.GroupBy(o => o.Sensor), sensor => Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), sensor.Select(o => o.Value).Order()));
        Assert.Equal(100, harness.EndOf("doubled"));
        Assert.Contains(logs.At(Microsoft.Extensions.Logging.LogLevel.Debug), m => System.Text.RegularExpressions.Regex.IsMatch(m, @"restored the state of partition \d: [1-9]\d* changelog records"));
    }

    [Fact]
    public async Task Partitions_an_instance_keeps_through_a_rebalance_are_neither_handed_over_nor_restored()
    {
        using var harness = Harness(partitions: 4);
        var options = Options(harness, StateStoreKind.RocksDb);
        var firstLogs = new ListLogger();
        var secondLogs = new ListLogger();
        var (firstStatus, secondStatus) = (new ProcessorStatus("doubler"), new ProcessorStatus("doubler"));
        await harness.Produce(KafkaHarness.Readings(0, 40));
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var first = new ProcessorRunner<Reading, Doubled>(options, Counter, firstLogs, firstStatus).RunAsync(stopFirst.Token);
        harness.Read("doubled", 40);

        // A second instance joins: it gains half the partitions and restores those; the first keeps the other half as
        // they are: no checkpoint to close them, no restore to open them again.
        var second = new ProcessorRunner<Reading, Doubled>(options with { StateDirectory = Path.Combine(stateDirectory, "second") }, Counter, secondLogs, secondStatus).RunAsync(stopSecond.Token);
        await secondLogs.Logged(Microsoft.Extensions.Logging.LogLevel.Information, "opened the state of", second);
        await Bounded.Until(() => Task.FromResult(firstStatus.AssignedPartitions + secondStatus.AssignedPartitions == 4 && firstStatus.AssignedPartitions == 2), () => $"{firstStatus}; {secondStatus}");
        await harness.Produce(KafkaHarness.Readings(40, 40));
        harness.Read("doubled", 80);
        var firstOpened = firstLogs.At(Microsoft.Extensions.Logging.LogLevel.Information).Where(m => m.Contains("opened the state of", StringComparison.Ordinal)).ToList();
        var secondOpened = secondLogs.At(Microsoft.Extensions.Logging.LogLevel.Information).Where(m => m.Contains("opened the state of", StringComparison.Ordinal)).ToList();

        // The second leaves: the first gains its two partitions back and restores only those.
        await stopSecond.CancelAsync();
        await second.WithinPatience();
        await firstLogs.Logged(Microsoft.Extensions.Logging.LogLevel.Information, "opened the state of 2 partition(s)", first);
        await harness.Produce(KafkaHarness.Readings(80, 20));
        var outputs = TopicReader.ReadUntil<Doubled>(harness.Kafka.BootstrapServers, "doubled", read => read.Where(o => o.Value == 20).Select(o => o.Sensor).Distinct().Count() == 5);
        await stopFirst.CancelAsync();
        await first.WithinPatience();

        Assert.Equal(["opened the state of 4 partition(s)"], firstOpened.Select(m => m[m.IndexOf("opened", StringComparison.Ordinal)..m.IndexOf(" and", StringComparison.Ordinal)]));
        Assert.Equal(["opened the state of 2 partition(s)"], secondOpened.Select(m => m[m.IndexOf("opened", StringComparison.Ordinal)..m.IndexOf(" and", StringComparison.Ordinal)]));
        Assert.All(outputs.GroupBy(o => o.Sensor), sensor => Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), sensor.Select(o => o.Value).Distinct().Order()));
    }

    [Fact]
    public async Task Keys_forgotten_after_their_time_to_live_are_tombstoned_so_a_restore_forgets_them_too()
    {
        using var harness = Harness();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var options = Options(harness, StateStoreKind.Memory) with { StateTimeToLive = TimeSpan.FromHours(1), TimeProvider = clock };
        await harness.Produce(KafkaHarness.Readings(0, 50));
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, Doubled>(options, Counter).RunAsync(stop.Token);
            harness.Read("doubled", 50);

            // No row for two hours: the stop's checkpoint forgets every sensor.
            clock.Advance(TimeSpan.FromHours(2));
            await stop.CancelAsync();
            await run.WithinPatience();
        }

        // The memory store restores the whole changelog: the tombstones delete what the records before them set.
        await harness.Produce(KafkaHarness.Readings(50, 50));
        var outputs = await RunUntil(harness, options, outputs: 100);

        var second = outputs.Where(o => o.Time >= 50).ToList();
        Assert.Equal(50, second.Count);
        Assert.All(second.GroupBy(o => o.Sensor), sensor => Assert.Equal(Enumerable.Range(1, 10).Select(i => (double)i), sensor.Select(o => o.Value).Order()));
    }

    [Fact]
    public async Task State_reports_its_cache_lookups_changelog_bytes_and_entries()
    {
        using var harness = Harness();
        var options = Options(harness, StateStoreKind.Memory) with { Name = "tally-metrics" };
        var measured = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Pipelines" && instrument.Name.StartsWith("pipelines.state.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var ours = false;
            var result = "";
            foreach (var tag in tags)
            {
                ours |= tag.Key == "pipelines.processor" && (string?)tag.Value == "tally-metrics";
                result = tag.Key == "pipelines.state.cache.result" ? (string)tag.Value! : result;
            }

            if (ours)
            {
                measured.AddOrUpdate(instrument.Name + result, value, (_, sum) => instrument.Name == "pipelines.state.entries" ? value : sum + value);
            }
        });
        listener.Start();

        await harness.Produce(KafkaHarness.Readings(0, 50));
        await RunUntil(harness, options, outputs: 50);
        listener.RecordObservableInstruments();

        // Five sensors: each first looked up in the store, then found in the cache 9 times; each written to the
        // changelog at least once.
        Assert.Equal(5, measured["pipelines.state.cache.lookupsmiss"]);
        Assert.Equal(45, measured["pipelines.state.cache.lookupshit"]);
        Assert.InRange(measured["pipelines.state.changelog_records"], 5, 10);
        Assert.True(measured["pipelines.state.changelog_bytes"] > measured["pipelines.state.changelog_records"] * 13);
    }

    private KafkaHarness Harness(int partitions = 3)
    {
        var harness = new KafkaHarness(partitions);
        harness.Kafka.CreateTopic(StateStage.ChangelogTopicOf("doubler", "tally"), partitions);
        return harness;
    }

    private ProcessorOptions Options(KafkaHarness harness, StateStoreKind store) =>
        harness.Options() with { StateStore = store, StateDirectory = stateDirectory };

    /// <summary>Runs the counter until the output topic holds <paramref name="outputs"/> rows, stops it, returns them all.</summary>
    private static async Task<List<Doubled>> RunUntil(KafkaHarness harness, ProcessorOptions options, int outputs, ListLogger? logs = null)
    {
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(options, Counter, logs).RunAsync(stop.Token);
        var read = harness.Read("doubled", outputs);
        await stop.CancelAsync();
        await run.WithinPatience();
        return read.Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value)).ToList();
    }
}
