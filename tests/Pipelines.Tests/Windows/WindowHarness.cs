using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Processing;
using Pipelines.State;
using Pipelines.Tests.Contracts;
using Pipelines.Windows;

namespace Pipelines.Tests.Windows;

/// <summary>A window's result as the tests read it.</summary>
[Topic("window-results")]
public partial class WindowResult
{
    [Tag] public string Key { get; set; } = "";
    [Parameter] public long Start { get; set; }
    [Parameter] public long End { get; set; }
    [Parameter] public long Count { get; set; }
    [Parameter] public double Sum { get; set; }
}

/// <summary>
/// Drives a windowed processor's state without a broker: rows of <see cref="CarTelemetry"/> (timestamp in
/// nanoseconds, the speed as the value), counted and summed in <see cref="WindowStats"/>, on a fake wall clock.
/// </summary>
internal sealed class WindowHarness : IWindowFunctions<CarTelemetry, WindowStats, WindowResult>
{
    private readonly WindowDefinition definition;
    private long offset;

    private readonly TimeSpan? timeToLive;

    public WindowHarness(WindowDefinition definition, IStateStore? store = null, TimeSpan? timeToLive = null)
    {
        this.definition = definition;
        this.timeToLive = timeToLive;
        Store = store ?? new MemoryStateStore();
        Table = Create();
        Table.Open(0, Store);
    }

    public FakeTimeProvider Time { get; } = new();

    public IStateStore Store { get; }

    public WindowTable<CarTelemetry, WindowResult> Table { get; private set; }

    /// <summary>Makes <see cref="Aggregate"/> throw, as a handler's bug would.</summary>
    public bool AggregateThrows { get; set; }

    /// <summary>Makes <see cref="Emit"/> throw for windows of this key.</summary>
    public string? EmitThrowsFor { get; set; }

    /// <summary>Adds a row of <paramref name="key"/> at <paramref name="timestamp"/> with <paramref name="value"/>; returns what it emitted.</summary>
    public List<WindowResult> Add(string key, long timestamp, double value = 1)
    {
        var outputs = new Outputs<WindowResult>();
        Assert.True(Table.Begin(0, Encoding.UTF8.GetBytes(key), new RowPosition(offset++, 0)));
        try
        {
            Table.Add(new CarTelemetry { CarId = key, TimestampNs = timestamp, Speed = value }, outputs).GetAwaiter().GetResult();
        }
        catch
        {
            Table.Rewind();
            throw;
        }

        Table.Commit();
        return [.. outputs.Rows];
    }

    /// <summary>Closes the windows of keys quiet long enough on <see cref="Time"/>; returns what they emitted, by key.</summary>
    public List<(string Key, List<WindowResult> Results)> CloseIdle()
    {
        var outputs = new Outputs<WindowResult>();
        var closed = new List<(string, List<WindowResult>)>();
        Table.CloseIdle(outputs, (_, key) =>
        {
            closed.Add((Encoding.UTF8.GetString(key), [.. outputs.Rows]));
            outputs.Rows.Clear();
        });
        return closed;
    }

    /// <summary>Checkpoints into the store and starts over from it, as a restarted instance would.</summary>
    public void Restart()
    {
        Store.Write(Table.TakeChanges(0), Store.ChangelogOffset + 1);
        Table.Close(0);
        Table = Create();
        Table.Open(0, Store);
    }

    public WindowStats Empty() => default;

    public WindowStats Aggregate(WindowStats accumulator, CarTelemetry row) =>
        AggregateThrows ? throw new InvalidOperationException("aggregate failed") : accumulator.Add(row.Speed, row.TimestampNs);

    public WindowStats Merge(WindowStats left, WindowStats right) => left.Merge(right);

    /// <summary>What <see cref="WindowInfo.ToString"/> said of each window emitted.</summary>
    public List<string> Emitted { get; } = [];

    public WindowResult? Emit(WindowInfo window, WindowStats accumulator)
    {
        Emitted.Add(window.ToString());
        return window.Key == EmitThrowsFor
            ? throw new InvalidOperationException("emit failed")
            : new WindowResult { Key = window.Key, Start = window.StartTimestamp, End = window.EndTimestamp, Count = accumulator.Count, Sum = accumulator.Sum };
    }

    private WindowTable<CarTelemetry, WindowResult> Create() =>
        (WindowTable<CarTelemetry, WindowResult>)Pipelines.Infrastructure.StateDefinition.WindowStats<CarTelemetry, WindowResult>("windows", definition)
            .CreateTable(this, new ProcessorOptions { Name = "windowed", GroupId = "g", InputTopic = "in", BootstrapServers = "unused:9092", TimeProvider = Time, StateTimeToLive = timeToLive });
}
