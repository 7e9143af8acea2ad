namespace Pipelines.CrashHost;

[Topic("window-totals")]
public partial class WindowTotal
{
    [Timestamp] public long Start { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public long Count { get; set; }
    [Parameter] public double Sum { get; set; }
}

/// <summary>
/// Each sensor's readings per second of data time, counted and summed, in durable windows; killed and restarted by
/// the tests. Slow on purpose (a few milliseconds a row), so that kills land while windows are open and rows are in
/// flight. Prints a line for each window it writes.
/// </summary>
[Processor(GroupId = "crash-windows", CommitInterval = "00:00:00.100")]
[Window(Tumbling = "00:00:01", Of = nameof(Value))]
public partial class SensorWindows
{
    private static double Value(Reading row)
    {
        Thread.Sleep(2);
        return row.Value;
    }

    public WindowTotal Emit(WindowInfo window, WindowStats stats)
    {
        Console.WriteLine($"emitted {window.Key} {window.StartTimestamp}");
        return new WindowTotal { Start = window.StartTimestamp, Sensor = window.Key, Count = stats.Count, Sum = stats.Sum };
    }
}
