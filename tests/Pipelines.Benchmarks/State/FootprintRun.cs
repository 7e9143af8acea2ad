using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.Benchmarks.Processing;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Benchmarks.State;

/// <summary>
/// What state costs a process whatever the data: two processors keeping state per key on one input of many partitions
/// (200 RocksDB stores at 100 partitions), after every row was handled and checkpointed: the disk of the stores, and the
/// process's resident memory against the stores' one memory budget.
/// <c>dotnet run -c Release --project tests/Pipelines.Benchmarks -- footprint [partitions] [keys] [budget MiB]</c>; a
/// budget of 0 keeps the state in memory instead, to tell what RocksDB takes from what the rest of the process does.
/// Not a BenchmarkDotNet benchmark: the question is a size, not a time.
/// </summary>
public static class FootprintRun
{
    private const string Input = "bench-input";

    public static void Run(int partitions, int keys, long budgetBytes)
    {
        var directory = Path.Combine(Path.GetTempPath(), "pipelines-footprint", Guid.NewGuid().ToString("N"));
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic(Input, partitions);
        foreach (var name in new[] { "first", "second" })
        {
            kafka.CreateTopic($"{name}.state.changelog", partitions);
        }

        // Two rows per key, so every key's state is written and then changed.
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 20 }).Build())
        {
            for (var i = 0; i < keys * 2; i++)
            {
                var row = PassthroughRow.Sample(i % keys, i / keys);
                producer.Produce(Input, new Message<string, byte[]> { Key = row.CarId, Value = MessageSerializer.Serialize(row) });
                if (i % 10_000 == 0)
                {
                    producer.Poll(TimeSpan.Zero);
                }
            }

            producer.Flush();
        }

        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        using var stop = new CancellationTokenSource();
        var statuses = new List<ProcessorStatus>();
        var runs = new[] { "first", "second" }.Select(name =>
        {
            var status = new ProcessorStatus(name);
            statuses.Add(status);
            var processor = new TestProcessor<PassthroughRow, NoOutput>
            {
                State = Infrastructure.StateDefinition.Of<SpeedSum>("state"),
                Row = (row, context, _) =>
                {
                    var state = context.State<SpeedSum>();
                    var sum = state.GetValueOrDefault(default);
                    state.Value = sum with { Count = sum.Count + 1, Sum = sum.Sum + row.Speed };
                    return ValueTask.FromResult<NoOutput?>(null);
                },
            };
            var options = new ProcessorOptions
            {
                Name = name,
                GroupId = name,
                InputTopic = Input,
                BootstrapServers = kafka.BootstrapServers,
                StateDirectory = directory,
                StateMemoryBytes = Math.Max(budgetBytes, 1024 * 1024),
                StateStore = budgetBytes == 0 ? StateStoreKind.Memory : StateStoreKind.RocksDb,
                CommitInterval = TimeSpan.FromSeconds(1),
            };
            return new ProcessorRunner<PassthroughRow, NoOutput>(options, processor, status: status).RunAsync(stop.Token);
        }).ToList();

        // Offsets are stored only after the checkpoint that covers their rows: once both groups have committed the
        // input's end, every row is handled and its state written to the stores.
        var watch = Stopwatch.StartNew();
        while (!Committed(kafka.BootstrapServers, "first", partitions) || !Committed(kafka.BootstrapServers, "second", partitions))
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Not every row was handled and checkpointed within 5 minutes: {string.Join("; ", statuses)}");
            }

            Thread.Sleep(200); // between two looks at the condition, not instead of one
        }

        GC.Collect();
        var after = Process.GetCurrentProcess().WorkingSet64;
        var stores = !Directory.Exists(directory) ? [] : Directory.GetDirectories(directory, "*", SearchOption.AllDirectories).Where(d => File.Exists(Path.Combine(d, "CURRENT"))).ToList();
        var disk = stores.Sum(store => new DirectoryInfo(store).EnumerateFiles().Sum(f => f.Length));
        var allocated = Allocated(directory);
        stop.Cancel();
        Task.WaitAll(runs.ToArray(), TimeSpan.FromMinutes(2));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        const double MiB = 1024 * 1024;
        Console.WriteLine($"{partitions} partitions × 2 processors = {stores.Count} RocksDB stores; {keys:N0} keys, {keys * 4L:N0} rows handled and checkpointed in {watch.Elapsed.TotalSeconds:N1} s");
        Console.WriteLine($"disk: {disk / MiB:N1} MiB of files in all, {disk / Math.Max(1.0, stores.Count) / 1024:N0} KiB per store; {allocated / MiB:N1} MiB allocated (du), {allocated / Math.Max(1.0, stores.Count) / 1024:N0} KiB per store");
        Console.WriteLine($"resident memory: {before / MiB:N0} MiB before the processors, {after / MiB:N0} MiB after: +{(after - before) / MiB:N0} MiB, against a budget of {budgetBytes / MiB:N0} MiB for the stores");
    }

    /// <summary>Whether <paramref name="group"/> has committed the end of every partition of the input.</summary>
    private static bool Committed(string bootstrapServers, string group, int partitions)
    {
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = group }).Build();
        var all = Enumerable.Range(0, partitions).Select(p => new TopicPartition(Input, p)).ToList();
        return reader.Committed(all, TimeSpan.FromSeconds(10)).All(c => c.Offset.Value == reader.QueryWatermarkOffsets(c.TopicPartition, TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>The disk <paramref name="directory"/> takes, preallocated space included (what <c>du</c> says): file lengths do not show space RocksDB reserves ahead.</summary>
    private static long Allocated(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        using var du = Process.Start(new ProcessStartInfo("du", $"-sk \"{directory}\"") { RedirectStandardOutput = true })!;
        var kilobytes = du.StandardOutput.ReadToEnd().Split('\t')[0];
        du.WaitForExit();
        return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
