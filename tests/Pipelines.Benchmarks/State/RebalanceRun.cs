using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Benchmarks.Processing;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.State;

/// <summary>
/// A member joining a stateful processor under a steady flow of rows, once with the eager protocol (range: every
/// partition is handed over and taken back) and once with the incremental one (cooperative-sticky, the default): the
/// changelog records each member restores, the partitions the first one hands over, and the longest time rows stop
/// flowing, for the partitions that stay, those that move, and all of them.
/// <c>dotnet run -c Release --project tests/Pipelines.Benchmarks -- rebalance [partitions] [keys] [rows/s]</c>.
/// Not a BenchmarkDotNet benchmark: one rebalance is one event, measured as it happens.
/// </summary>
public static class RebalanceRun
{
    private const string Input = "bench-input";

    public static void Run(int partitions, int keys, int rate)
    {
        Console.WriteLine($"{partitions} partitions, {keys:N0} keys of state, {rate:N0} rows/s; a second member joins after 3 s");
        Console.WriteLine($"{"protocol",-20} {"restored (joiner)",18} {"restored (first)",17} {"handed over",12} {"stall: kept",12} {"stall: moved",13} {"stall: any",11} {"steady gap",11} {"join→running",13}");
        foreach (var strategy in new[] { "range", "cooperative-sticky" })
        {
            var result = Once(strategy, partitions, keys, rate);
            Console.WriteLine($"{(strategy == "range" ? "eager (range)" : "incremental (coop)"),-20} {result.JoinerRestored,18:N0} {result.FirstRestored,17:N0} {result.HandedOver,12} {Ms(result.KeptStall),12} {Ms(result.MovedStall),13} {Ms(result.AnyStall),11} {Ms(result.SteadyGap),11} {Ms(result.JoinToRunning),13}");
        }

        static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:N0} ms";
    }

    private static Result Once(string strategy, int partitions, int keys, int rate)
    {
        var directory = Path.Combine(Path.GetTempPath(), "pipelines-rebalance", Guid.NewGuid().ToString("N"));
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic(Input, partitions);
        kafka.CreateTopic("bench.state.changelog", partitions);
        var flow = new Flow(partitions);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        var produced = 0L;
        void Produce(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var row = PassthroughRow.Sample((int)(produced % keys), (int)(produced / keys));
                producer.Produce(Input, new Message<string, byte[]> { Key = row.CarId, Value = MessageSerializer.Serialize(row) });
                produced++;
            }

            producer.Poll(TimeSpan.Zero);
        }

        // Every key's state first, handled by the first member alone.
        Produce(keys);
        producer.Flush();
        using var stop = new CancellationTokenSource();
        var (firstLog, joinerLog) = (new Events(), new Events());
        var (firstStatus, joinerStatus) = (new ProcessorStatus("first"), new ProcessorStatus("joiner"));
        var first = Member(kafka, strategy, Path.Combine(directory, "first"), flow, firstLog, firstStatus).RunAsync(stop.Token);
        Wait(() => flow.Handled >= keys, "the first member handled every key");

        // A steady flow; after 3 s a second member joins; 12 s later the flow stops and every row is waited for.
        var clock = Stopwatch.StartNew();
        var joiner = default(Task);
        var joined = TimeSpan.Zero;
        var running = TimeSpan.Zero;
        flow.Measure();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            Produce(rate / 100);
            if (joiner is null && clock.Elapsed >= TimeSpan.FromSeconds(3))
            {
                flow.Join();
                joined = clock.Elapsed;
                joiner = Member(kafka, strategy, Path.Combine(directory, "joiner"), flow, joinerLog, joinerStatus).RunAsync(stop.Token);
            }

            if (joiner is not null && running == TimeSpan.Zero && joinerStatus.Phase == ProcessorPhase.Running && joinerStatus.AssignedPartitions > 0 && firstStatus.AssignedPartitions + joinerStatus.AssignedPartitions == partitions)
            {
                running = clock.Elapsed - joined;
            }

            Thread.Sleep(10); // the producer's pace: rate/100 rows every 10 ms
        }

        producer.Flush();
        var handedOver = firstLog.Partitions(108);
        Wait(() => flow.Handled >= produced, $"every row handled ({flow.Handled:N0} of {produced:N0}; {firstStatus}; {joinerStatus})");
        stop.Cancel();
        Task.WaitAll([first, joiner!], TimeSpan.FromMinutes(2));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var kept = flow.LastOwner(of: 0);
        return new Result(
            joinerLog.Sum(706, "Records"),
            firstLog.Sum(706, "Records"),
            handedOver,
            flow.Stall(p => kept[p]),
            flow.Stall(p => !kept[p]),
            flow.AnyStall,
            flow.SteadyGap,
            running);
    }

    private static ProcessorRunner<PassthroughRow, NoOutput> Member(EmbeddedKafka kafka, string strategy, string directory, Flow flow, Events log, ProcessorStatus status)
    {
        var member = status.Name == "first" ? 0 : 1;
        var processor = new TestProcessor<PassthroughRow, NoOutput>
        {
            State = Infrastructure.StateDefinition.Of<SpeedSum>("state"),
            Row = (row, context, _) =>
            {
                var state = context.State<SpeedSum>();
                var sum = state.GetValueOrDefault(default);
                state.Value = sum with { Count = sum.Count + 1, Sum = sum.Sum + row.Speed };
                flow.Handle(context.Partition, member);
                return ValueTask.FromResult<NoOutput?>(null);
            },
        };
        var options = new ProcessorOptions
        {
            Name = status.Name,
            GroupId = "bench",
            InputTopic = Input,
            BootstrapServers = kafka.BootstrapServers,
            StateDirectory = directory,
            CommitInterval = TimeSpan.FromMilliseconds(500),
            LowLatency = true,
            // The embedded broker holds a join to a group that has members for the session timeout less a second (and
            // ignores LeaveGroup): a short session keeps the rebalance in seconds, as on a real broker.
            ConsumerKafka = new Dictionary<string, string> { ["partition.assignment.strategy"] = strategy, ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500" },
        };
        return new ProcessorRunner<PassthroughRow, NoOutput>(options, processor, log, status);
    }

    private static void Wait(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"Not within 3 minutes: {what}.");
            }

            Thread.Sleep(20); // between two looks at the condition, not instead of one
        }
    }

    private sealed record Result(long JoinerRestored, long FirstRestored, int HandedOver, TimeSpan KeptStall, TimeSpan MovedStall, TimeSpan AnyStall, TimeSpan SteadyGap, TimeSpan JoinToRunning);

    /// <summary>When each partition's rows were handled, and by which member: the longest silence per partition and overall, before and after the join.</summary>
    private sealed class Flow(int partitions)
    {
        private readonly long[] last = new long[partitions];
        private readonly long[] longest = new long[partitions];
        private readonly int[] owner = new int[partitions];
        private readonly Lock gate = new();
        private long handled;
        private long lastAny;
        private long longestAny;
        private long steady;
        private bool measuring;
        private bool joinedYet;

        public long Handled => Interlocked.Read(ref handled);

        public TimeSpan AnyStall => Stopwatch.GetElapsedTime(0, longestAny);

        /// <summary>The longest silence of any partition in the steady flow before the join: the flow's own unevenness.</summary>
        public TimeSpan SteadyGap => Stopwatch.GetElapsedTime(0, steady);

        public void Measure()
        {
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                Array.Fill(last, now);
                lastAny = now;
                measuring = true;
            }
        }

        /// <summary>From here on silences count as the rebalance's; the steady flow's longest one is kept apart.</summary>
        public void Join()
        {
            lock (gate)
            {
                steady = longest.Max();
                Array.Clear(longest);
                longestAny = 0;
                joinedYet = true;
            }
        }

        public void Handle(int partition, int member)
        {
            Interlocked.Increment(ref handled);
            lock (gate)
            {
                if (!measuring)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                longest[partition] = Math.Max(longest[partition], now - last[partition]);
                last[partition] = now;
                owner[partition] = member;
                if (joinedYet)
                {
                    longestAny = Math.Max(longestAny, now - lastAny);
                }

                lastAny = now;
            }
        }

        /// <summary>Whether member <paramref name="of"/> handled each partition's last row.</summary>
        public bool[] LastOwner(int of)
        {
            lock (gate)
            {
                return [.. owner.Select(o => o == of)];
            }
        }

        public TimeSpan Stall(Func<int, bool> which)
        {
            lock (gate)
            {
                var ticks = Enumerable.Range(0, partitions).Where(which).Select(p => longest[p]).DefaultIfEmpty(0).Max();
                return Stopwatch.GetElapsedTime(0, ticks);
            }
        }
    }

    /// <summary>The runtime's log events, by id, with their values.</summary>
    private sealed class Events : ILogger
    {
        private readonly ConcurrentQueue<(int Id, IReadOnlyList<KeyValuePair<string, object?>> Values)> events = new();

        public long Sum(int id, string value) => events.Where(e => e.Id == id).Sum(e => Convert.ToInt64(e.Values.First(v => v.Key == value).Value, System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>How many partitions events <paramref name="id"/> named in their <c>Partitions</c> list ("[0, 3, 5]").</summary>
        public int Partitions(int id) => events.Where(e => e.Id == id).Sum(e => ((string)e.Values.First(v => v.Key == "Partitions").Value!).Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries).Length);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                events.Enqueue((eventId.Id, [.. values]));
            }
        }
    }
}
