using BenchmarkDotNet.Attributes;
using Pipelines.Benchmarks.Processing;
using Pipelines.Processing;
using Pipelines.State;
using RocksDbSharp;

namespace Pipelines.Benchmarks.State;

/// <summary>
/// Keyed state per row, without a broker: 48 keys in turn, each row reading its key's value and writing it back
/// changed. Pipelines' state (the write cache in front of RocksDB, a checkpoint every 10,000 rows writing each changed
/// key once) against RocksDB itself (a get and a put per row, values serialized with the same serializer), and the
/// window path on top of the state (a one-second tumbling window per key, rows 10 ms apart).
/// </summary>
[MemoryDiagnoser]
public class StateStoreBenchmarks
{
    private const int Rows = 100_000;
    private const int Keys = 48;
    private const int CheckpointEvery = 10_000;
    private const long Millisecond = 1_000_000;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "pipelines-bench-store", Guid.NewGuid().ToString("N"));
    private readonly byte[][] keys = Enumerable.Range(0, Keys).Select(i => System.Text.Encoding.UTF8.GetBytes($"car-{i}")).ToArray();
    private readonly Outputs<SpeedMean> outputs = new();
    private KeyedState<SpeedSum> state = null!;
    private RocksDbStateStore store = null!;
    private RocksDb raw = null!;
    private Windows.WindowTable<PassthroughRow, SpeedMean> windows = null!;
    private RocksDbStateStore windowStore = null!;
    private PassthroughRow[] rows = null!;
    private long offset;
    private long time;

    [GlobalSetup]
    public void Setup()
    {
        AggregationClock.Expect(long.MaxValue);
        AggregationClock.Gate.Set();
        var options = new ProcessorOptions { Name = "bench", GroupId = "bench", InputTopic = "in", BootstrapServers = "unused:9092" };
        state = (KeyedState<SpeedSum>)Infrastructure.StateDefinition.Of<SpeedSum>("state").CreateTable(new object(), options);
        store = RocksDbStateStore.Open(Path.Combine(directory, "state"));
        state.Open(0, store);
        raw = RocksDb.Open(new DbOptions().SetCreateIfMissing(true), Path.Combine(directory, "raw"));
        var definition = Infrastructure.StateDefinition.Windows<PassthroughRow, SpeedSum, SpeedMean>("windows", new Infrastructure.WindowDefinition { Kind = Infrastructure.WindowKind.Tumbling, Size = TimeSpan.FromSeconds(1) });
        windows = (Windows.WindowTable<PassthroughRow, SpeedMean>)definition.CreateTable(new SpeedWindows(), options);
        windowStore = RocksDbStateStore.Open(Path.Combine(directory, "windows"));
        windows.Open(0, windowStore);
        rows = Enumerable.Range(0, Keys).Select(i => new PassthroughRow { CarId = $"car-{i}", Speed = 200 }).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        state.Close(0);
        store.Dispose();
        windows.Close(0);
        windowStore.Dispose();
        raw.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "RocksDB get + put per row")]
    public void RawRocksDb()
    {
        for (var i = 0; i < Rows; i++)
        {
            var key = keys[i % Keys];
            var bytes = raw.Get(key);
            var sum = bytes is null ? default : MessageSerializer.Deserialize<SpeedSum>(bytes);
            raw.Put(key, MessageSerializer.Serialize(sum with { Count = sum.Count + 1, Sum = sum.Sum + 200 }));
        }
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "Pipelines State<T>: cache, checkpoint every 10,000 rows")]
    public void KeyedState()
    {
        for (var i = 0; i < Rows; i++)
        {
            state.Begin(0, keys[i % Keys], new RowPosition(offset++, 0));
            var sum = state.HasValue ? state.Value : default;
            state.Set(sum with { Count = sum.Count + 1, Sum = sum.Sum + 200 });
            state.Commit();
            if ((i + 1) % CheckpointEvery == 0)
            {
                store.Write(state.TakeChanges(0), offset);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "Pipelines [Window] row: tumbling 1 s, checkpoint every 10,000 rows")]
    public void WindowRow()
    {
        for (var i = 0; i < Rows; i++)
        {
            var row = rows[i % Keys];
            if (i % Keys == 0)
            {
                time += 10 * Millisecond;
            }

            row.Timestamp = time;
            windows.Begin(0, keys[i % Keys], new RowPosition(offset++, 0));
            windows.Add(row, outputs);
            windows.Commit();
            outputs.Clear();
            if ((i + 1) % CheckpointEvery == 0)
            {
                windowStore.Write(windows.TakeChanges(0), offset);
            }
        }
    }
}
