using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

public class ScaleOutTests
{
    [Fact]
    public async Task Two_instances_in_one_group_share_the_partitions_and_one_stopping_loses_nothing()
    {
        using var harness = new KafkaHarness(partitions: 4);
        var handledBy = new ConcurrentDictionary<long, string>();
        TestProcessor<Reading, Doubled> Handler(string instance) => new()
        {
            Row = (row, _, _) =>
            {
                handledBy[row.Time] = instance;
                return ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 });
            },
        };
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var (firstStatus, secondStatus) = (new ProcessorStatus("doubler"), new ProcessorStatus("doubler"));
        var first = new ProcessorRunner<Reading, Doubled>(harness.Options(), Handler("first"), status: firstStatus).RunAsync(stopFirst.Token);
        var second = new ProcessorRunner<Reading, Doubled>(harness.Options(), Handler("second"), status: secondStatus).RunAsync(stopSecond.Token);

        // Both hold partitions before the rows come (the cooperative protocol hands the second its share a round later).
        await Bounded.Until(
            () => Task.FromResult(firstStatus.AssignedPartitions > 0 && secondStatus.AssignedPartitions > 0 && firstStatus.AssignedPartitions + secondStatus.AssignedPartitions == 4),
            () => $"{firstStatus}; {secondStatus}");
        await harness.Produce(KafkaHarness.Readings(0, 200));
        harness.ReadUntilSeen(Enumerable.Range(0, 200).Select(i => (long)i));
        var sharedWork = handledBy.Values.Distinct().Count();

        await stopFirst.CancelAsync();
        await first.WithinPatience();
        await harness.Produce(KafkaHarness.Readings(200, 200));
        var seen = harness.ReadUntilSeen(Enumerable.Range(0, 400).Select(i => (long)i));
        await stopSecond.CancelAsync();
        await second.WithinPatience();

        // At least once: a rebalance may repeat a few messages (the mock refuses commits mid-rebalance), never drop one.
        Assert.Equal(2, sharedWork);
        Assert.Equal(400, seen.Count);
        Assert.All(Enumerable.Range(200, 200), i => Assert.Equal("second", handledBy[i]));
        Assert.Equal(400, harness.CommittedTotal("doubler", partitions: 4));
    }

    [Fact]
    public async Task Input_produced_by_kcat_is_processed_and_the_output_read_back_by_kcat()
    {
        using var harness = new KafkaHarness(partitions: 1);
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), new TestProcessor<Reading, Doubled> { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }) }).RunAsync(stop.Token);

        // kcat sends each file as one message, so binary MessagePack needs no delimiter.
        var files = KafkaHarness.Readings(0, 3).Select(r =>
        {
            var path = Path.GetTempFileName();
            File.WriteAllBytes(path, MessageSerializer.Serialize(r));
            return path;
        }).ToList();
        await Kcat(harness, $"-P -t readings -k sensor-kcat {string.Join(' ', files)}");
        var processed = harness.Read("doubled", 3);

        // kcat -e stops at the end of the partition, so it reads only once the outputs are known to be there.
        var output = await Kcat(harness, "-C -t doubled -o beginning -c 3 -e -f %k\\n");
        await stop.CancelAsync();
        await run.WithinPatience();
        files.ForEach(File.Delete);

        Assert.Equal([0.0, 2.0, 4.0], processed.Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value).Value));
        // The output is keyed by its own tags, not by the key kcat happened to send.
        Assert.Equal(["sensor-0", "sensor-1", "sensor-2"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static async Task<string> Kcat(KafkaHarness harness, string arguments)
    {
        using var kcat = ChildProcess.Start("kcat", $"-b {harness.Kafka.BootstrapServers} {arguments}");
        var exitCode = await kcat.WaitForExit();
        Assert.True(exitCode == 0, $"kcat {arguments} failed: {kcat.Errors}");
        return kcat.Output;
    }
}
