using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;

namespace Pipelines.IntegrationTests.Windows;

/// <summary>
/// Durable windows against a real host process killed with SIGKILL, again and again, in the middle of an aggregation:
/// every window it writes holds exactly the rows of its second, never one lost or counted twice.
/// </summary>
public sealed class WindowCrashTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private const int Sensors = 3;
    private const int Seconds = 60;
    private const int PerSecond = 10;

    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-crash-windows", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_host_killed_repeatedly_mid_aggregation_writes_every_window_with_its_exact_count_and_sum()
    {
        using var harness = new KafkaHarness();
        harness.Kafka.CreateTopic("window-totals", 3);
        harness.Kafka.CreateTopic("crash-windows.windows.changelog", 3);

        // A minute of readings per sensor, ten a second, then one far later that closes the last window.
        var readings = Enumerable.Range(0, Sensors).SelectMany(s => Enumerable.Range(0, Seconds * PerSecond)
            .Select(i => new Reading { Sensor = $"sensor-{s}", Time = i * Second / PerSecond, Value = i })
            .Append(new Reading { Sensor = $"sensor-{s}", Time = 1000 * Second, Value = 0 })).ToList();
        await harness.Produce(readings);

        // Killed after its 10th, 20th and 30th window of a run (each run counts its own), then left to finish. With
        // a checkpoint every 100 ms and a few ms a row, each kill lands with windows open and rows uncommitted.
        foreach (var killAfter in new[] { 10, 20, 30 })
        {
            var emitted = 0;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var host = StartHost(harness.Kafka.BootstrapServers, line =>
            {
                if (line.StartsWith("emitted ", StringComparison.Ordinal) && Interlocked.Increment(ref emitted) == killAfter)
                {
                    reached.TrySetResult();
                }
            });
            try
            {
                await reached.Task.WaitAsync(KafkaHarness.Patience * 2);
            }
            finally
            {
                host.Kill();
                await host.WaitForExit();
            }
        }

        var windows = new Dictionary<(string, long), List<CrashWindowTotal>>();
        using (StartHost(harness.Kafka.BootstrapServers, _ => { }))
        {
            ReadUntil(harness, windows, Sensors * Seconds);
        }

        // Every window's every write is the reference: its ten readings, i from 10s to 10s + 9. A window written
        // before a kill and again after it (outputs are at least once) is written with the same numbers.
        Assert.Equal(Sensors * Seconds, windows.Count);
        foreach (var ((sensor, start), writes) in windows)
        {
            var first = (int)(start / Second) * PerSecond;
            Assert.All(writes, w => Assert.Equal((PerSecond, Enumerable.Range(first, PerSecond).Sum(i => (double)i)), (w.Count, w.Sum)));
        }
    }

    /// <summary>Reads window totals until <paramref name="count"/> distinct windows were seen, by sensor and start.</summary>
    private static void ReadUntil(KafkaHarness harness, Dictionary<(string, long), List<CrashWindowTotal>> windows, int count)
    {
        var config = new ConsumerConfig { BootstrapServers = harness.Kafka.BootstrapServers, GroupId = "reader", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Subscribe("window-totals");
        var deadline = DateTime.UtcNow + KafkaHarness.Patience * 2;
        while (windows.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                var total = MessageSerializer.Deserialize<CrashWindowTotal>(result.Message.Value);
                var key = (total.Sensor, total.Start);
                if (!windows.TryGetValue(key, out var writes))
                {
                    windows[key] = writes = [];
                }

                writes.Add(total);
            }
        }

        consumer.Close();
        Assert.True(windows.Count == count, $"Expected {count} windows within the patience, got {windows.Count}: " +
            string.Join(", ", windows.Keys.GroupBy(k => k.Item1).Select(g => $"{g.Key} {g.Count()} up to {g.Max(k => k.Item2) / Second} s")));
    }

    private ChildProcess StartHost(string bootstrapServers, Action<string> onLine) =>
        CrashHost.Start("SensorWindows", bootstrapServers, onLine, $"--Pipelines:StateDirectory=\"{stateDirectory}\"");
}

/// <summary>The crash host's output, read back.</summary>
[MessageContract]
public partial class CrashWindowTotal
{
    [Timestamp] public long Start { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public long Count { get; set; }
    [Parameter] public double Sum { get; set; }
}
