using System.Text.RegularExpressions;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.State;

namespace Pipelines.IntegrationTests.State;

/// <summary>
/// Restores against a real host process killed with SIGKILL: a restore cut short goes on from what it had made durable,
/// and a host killed again and again, its state directory gone each time, still gets through its restore and on to its
/// rows at every start.
/// </summary>
public sealed partial class RestoreCrashTests : IDisposable
{
    private const string Changelog = "crash-windows.windows.changelog";
    private const long Second = 1_000_000_000;

    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-restore-crash", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_restore_killed_part_way_goes_on_from_what_it_had_made_durable()
    {
        const int Records = 600_000;
        using var harness = Harness(Records);
        var store = Path.Combine(stateDirectory, "crash-windows", "SensorWindows", "0");

        // Killed once the restore has written two table files (the first one is then surely part of the store: a file
        // appears when its flush begins): its progress is made durable every second, and full memtables are flushed, so
        // it is killed part way with some of it on disk.
        using (var host = StartHost(harness, _ => { }))
        {
            await Bounded.Until(() => Task.FromResult(Directory.Exists(store) && Directory.GetFiles(store, "*.sst").Length >= 2), () => host.Errors);
            host.Kill();
            await host.WaitForExit();
        }

        var resumed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var assigned = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var host = StartHost(harness, line =>
        {
            if (RestoringFrom().Match(line) is { Success: true } from)
            {
                resumed.TrySetResult(long.Parse(from.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (Restored().Match(line) is { Success: true } restored)
            {
                assigned.TrySetResult(long.Parse(restored.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }))
        {
            var records = await assigned.Task.WaitAsync(Bounded.Patience);
            host.Kill();
            await host.WaitForExit();

            // It went on, not over: fewer records than the changelog holds, from an offset past what the first run kept.
            Assert.True(records < Records, $"the second start restored {records} records: all over again");
            if (resumed.Task.IsCompleted)
            {
                Assert.True(await resumed.Task > 0, "the second restore started at the changelog's beginning");
            }
        }
    }

    [Fact]
    public async Task A_host_killed_again_and_again_with_its_state_directory_gone_restores_and_handles_rows_at_every_start()
    {
        using var harness = Harness(records: 600_000);
        for (var start = 0; start < 3; start++)
        {
            if (Directory.Exists(stateDirectory))
            {
                Directory.Delete(stateDirectory, recursive: true);
            }

            // Two seconds of readings of this start's own: their first second's window closes once the second's rows come.
            await harness.Produce(Enumerable.Range(0, 20).Select(i => new Reading { Sensor = "sensor-0", Time = ((start * 10) + (i / 10)) * Second + (i % 10 * Second / 10), Value = i }));
            var (restored, emitted) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            using var host = StartHost(harness, line =>
            {
                if (Restored().Match(line) is { Success: true } summary && long.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 600_000)
                {
                    restored.TrySetResult();
                }
                else if (line.StartsWith("emitted sensor-0 " + (start * 10 * Second).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                {
                    emitted.TrySetResult();
                }
            });
            await Task.WhenAll(restored.Task, emitted.Task).WithinPatience(() => host.Output + host.Errors);
            host.Kill();
            await host.WaitForExit();
        }
    }

    /// <summary>One input partition, its windows' changelog filled with <paramref name="records"/> records of keys no row has.</summary>
    private static KafkaHarness Harness(int records)
    {
        var harness = new KafkaHarness(partitions: 1);
        harness.Kafka.CreateTopic("window-totals", 1);
        harness.Kafka.CreateTopic(Changelog, 1);

        // Compressed, so that many records fit in the embedded broker's 5 MiB a partition.
        var value = new StateRecord(new RowPosition(0, 0), null).Encode();
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers, CompressionType = CompressionType.Lz4, LingerMs = 50, BatchNumMessages = 100_000, BatchSize = 4_000_000 }).Build();
        for (var i = 0; i < records; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(Changelog, new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes($"elsewhere-{i}"), Value = value });
                    break;
                }
                catch (ProduceException<byte[], byte[]> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush(KafkaHarness.Patience);

        // All of it kept: the broker drops a partition's oldest records past 5 MiB, which would move a restore's start.
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = harness.Kafka.BootstrapServers, GroupId = "watermarks" }).Build();
        var watermarks = reader.QueryWatermarkOffsets(new TopicPartition(Changelog, 0), KafkaHarness.Patience);
        Assert.Equal((0L, (long)records), (watermarks.Low.Value, watermarks.High.Value));
        return harness;
    }

    private ChildProcess StartHost(KafkaHarness harness, Action<string> onLine) =>
        CrashHost.Start("SensorWindows", harness.Kafka.BootstrapServers, onLine, $"--Pipelines:StateDirectory=\"{stateDirectory}\"", "--Logging:LogLevel:Pipelines.Processor.SensorWindows=Debug");

    [GeneratedRegex(@"restores the state of partition 0 from crash-windows\.windows\.changelog, offsets (\d+) to")]
    private static partial Regex RestoringFrom();

    [GeneratedRegex(@"opened the state of 1 partition\(s\) and restored [01] of them: (\d+) changelog records")]
    private static partial Regex Restored();
}
