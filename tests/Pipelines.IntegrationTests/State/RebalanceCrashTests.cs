using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.IntegrationTests.Windows;

namespace Pipelines.IntegrationTests.State;

/// <summary>
/// Incremental rebalancing between real host processes: two members, then a third that is killed with SIGKILL again and
/// again. The two that stay keep their partitions through every rebalance and restore only the partitions they gain,
/// from where their stores stood; every window is still written with its exact count.
/// </summary>
public sealed partial class RebalanceCrashTests : IDisposable
{
    private const string Changelog = "crash-windows.windows.changelog";
    private const int Partitions = 6;
    private const int Sensors = 12;
    private const int PerSecond = 10;
    private const int Kills = 3;
    private const long Second = 1_000_000_000;

    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-rebalance-crash", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Members_that_stay_while_a_third_is_killed_again_and_again_keep_their_partitions_and_restore_only_those_they_gain()
    {
        using var harness = new KafkaHarness(partitions: Partitions);
        harness.Kafka.CreateTopic("window-totals", Partitions);
        harness.Kafka.CreateTopic(Changelog, Partitions);
        using var watermarks = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = harness.Kafka.BootstrapServers, GroupId = "watermarks" }).Build();
        long End(int partition) => watermarks.QueryWatermarkOffsets(new TopicPartition(Changelog, partition), KafkaHarness.Patience).High.Value;

        await harness.Produce(ReadingsOf(second: 0));
        var (a, b) = (new Member("a"), new Member("b"));
        using var first = Start(harness, a);
        using var second = Start(harness, b);
        await Bounded.Until(() => Task.FromResult(a.Count > 0 && b.Count > 0 && a.Count + b.Count == Partitions), () => $"{a}; {b}");

        for (var kill = 1; kill <= Kills; kill++)
        {
            // A third member joins: each of the two hands it some partitions and keeps the rest.
            var c = new Member("c");
            using var third = Start(harness, c);
            await Bounded.Until(() => Task.FromResult(c.Count > 0 && a.Count > 0 && b.Count > 0 && a.Count + b.Count + c.Count == Partitions), () => $"{a}; {b}; {c}");

            // It handles this second's rows of its partitions, its state reaching the changelog, and is killed.
            var taken = c.Owned();
            var before = taken.ToDictionary(p => p, End);
            await harness.Produce(ReadingsOf(second: kill));
            await Bounded.Until(() => Task.FromResult(taken.Any(p => End(p) > before[p])), () => $"{c}: no changelog record of its partitions {string.Join(", ", taken)}\n{third.Errors}");
            third.Kill();
            await third.WaitForExit();
            var changed = taken.Where(p => End(p) > before[p]).ToDictionary(p => p, End);

            // Once its session ends, the two take its partitions back: each partition it changed is restored by the
            // one that gains it, to the changelog's end.
            await Bounded.Until(() => Task.FromResult(a.Count + b.Count == Partitions), () => $"{a}; {b}");
            await Bounded.Until(() => Task.FromResult(changed.All(p => a.Restored(p.Key, p.Value) || b.Restored(p.Key, p.Value))), () => $"changed by c: {string.Join(", ", changed)}; {a}; {b}");
        }

        // The last second's windows close with a reading far later.
        await harness.Produce(Enumerable.Range(0, Sensors).Select(s => new Reading { Sensor = $"sensor-{s}", Time = 1000 * Second, Value = 0 }));
        var windows = TopicReader.ReadUntil<CrashWindowTotal>(harness.Kafka.BootstrapServers, "window-totals", read => read.Select(w => (w.Sensor, w.Start)).Distinct().Count() == Sensors * (Kills + 1));

        // The two that stayed never restored, nor opened again, a partition they kept, and kept some through every
        // rebalance; what they restored came from where their stores stood, not from the changelog's start.
        foreach (var member in new[] { a, b })
        {
            Assert.Empty(member.Violations);
            Assert.True(member.FewestKept > 0, $"{member} handed over every partition it had: an eager rebalance");
        }

        Assert.True(a.RestoreCount + b.RestoreCount >= Kills, $"{a}; {b}");

        // Every window is its ten readings, however often it was written (outputs are at least once).
        Assert.All(windows, w => Assert.Equal((PerSecond, Enumerable.Range(0, PerSecond).Sum(i => (double)i)), (w.Count, w.Sum)));
    }

    /// <summary>Ten readings in second <paramref name="second"/> of every sensor.</summary>
    private static IEnumerable<Reading> ReadingsOf(int second) =>
        Enumerable.Range(0, Sensors).SelectMany(s => Enumerable.Range(0, PerSecond)
            .Select(i => new Reading { Sensor = $"sensor-{s}", Time = (second * Second) + (i * Second / PerSecond), Value = i }));

    private ChildProcess Start(KafkaHarness harness, Member member) =>
        CrashHost.Start("SensorWindows", harness.Kafka.BootstrapServers, member.See, $"--Pipelines:StateDirectory=\"{Path.Combine(stateDirectory, member.Name)}\"", "--Logging:LogLevel:Pipelines.Processor.SensorWindows=Debug");

    /// <summary>A member's partitions, gains, hand-overs and restores, as its log lines tell them.</summary>
    private sealed partial class Member(string name)
    {
        private readonly HashSet<int> owned = [];
        private readonly List<(int Partition, long From, long To)> restores = [];
        private List<int> gained = [];

        public string Name => name;

        public List<string> Violations { get; } = [];

        /// <summary>The fewest partitions it kept through a hand-over.</summary>
        public int FewestKept { get; private set; } = int.MaxValue;

        public int Count
        {
            get
            {
                lock (owned)
                {
                    return owned.Count;
                }
            }
        }

        public int RestoreCount
        {
            get
            {
                lock (owned)
                {
                    return restores.Count;
                }
            }
        }

        public List<int> Owned()
        {
            lock (owned)
            {
                return [.. owned];
            }
        }

        /// <summary>Whether it restored <paramref name="partition"/> up to <paramref name="end"/>.</summary>
        public bool Restored(int partition, long end)
        {
            lock (owned)
            {
                return restores.Exists(r => r.Partition == partition && r.To == end);
            }
        }

        public void See(string line)
        {
            lock (owned)
            {
                if (Given().Match(line) is { Success: true } given)
                {
                    gained = Numbers(given.Groups[1].Value);
                    owned.UnionWith(gained);
                }
                else if (HandedOver().Match(line) is { Success: true } handed)
                {
                    owned.ExceptWith(Numbers(handed.Groups[1].Value));
                    FewestKept = Math.Min(FewestKept, owned.Count);
                }
                else if (Lost().Match(line) is { Success: true } lost)
                {
                    owned.ExceptWith(Numbers(lost.Groups[1].Value));
                }
                else if (Restoring().Match(line) is { Success: true } restoring)
                {
                    var partition = int.Parse(restoring.Groups[1].Value, CultureInfo.InvariantCulture);
                    var (from, to) = (long.Parse(restoring.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(restoring.Groups[3].Value, CultureInfo.InvariantCulture));
                    if (!gained.Contains(partition))
                    {
                        Violations.Add($"restored partition {partition}, not one of those it had just gained ({string.Join(", ", gained)})");
                    }

                    if (restores.FindLast(r => r.Partition == partition) is { To: > 0 } earlier && from < earlier.To)
                    {
                        Violations.Add($"restored partition {partition} from offset {from}, though its store had it up to offset {earlier.To}");
                    }

                    restores.Add((partition, from, to));
                }
                else if (Opened().Match(line) is { Success: true } opened && int.Parse(opened.Groups[1].Value, CultureInfo.InvariantCulture) != gained.Count)
                {
                    Violations.Add($"opened the state of {opened.Groups[1].Value} partition(s) after gaining {gained.Count}");
                }
            }
        }

        public override string ToString()
        {
            lock (owned)
            {
                return $"{name} owns [{string.Join(", ", owned.Order())}], restored {string.Join(", ", restores.Select(r => $"{r.Partition}:{r.From}-{r.To}"))}";
            }
        }

        private static List<int> Numbers(string list) =>
            [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture))];

        [GeneratedRegex(@"was given partitions \[([\d, ]*)\]")]
        private static partial Regex Given();

        [GeneratedRegex(@"handed over partitions \[([\d, ]*)\]")]
        private static partial Regex HandedOver();

        [GeneratedRegex(@"lost partitions \[([\d, ]*)\]")]
        private static partial Regex Lost();

        [GeneratedRegex(@"restores the state of partition (\d+) from \S+, offsets (\d+) to (\d+)")]
        private static partial Regex Restoring();

        [GeneratedRegex(@"opened the state of (\d+) partition\(s\)")]
        private static partial Regex Opened();
    }
}
