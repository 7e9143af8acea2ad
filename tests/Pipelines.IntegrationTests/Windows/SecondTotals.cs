using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.State;

namespace Pipelines.IntegrationTests.Windows;

[Topic("window-totals")]
public partial class WindowTotal
{
    [Timestamp] public long Start { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public long End { get; set; }
    [Parameter] public int Count { get; set; }
    [Parameter] public double Sum { get; set; }
}

/// <summary>Each sensor's readings per second of data time: how many, and their sum; generated code throughout.</summary>
[Processor]
[Window(Tumbling = "00:00:01", Grace = "00:00:00.500", CloseAfterIdle = "01:00:00")]
public partial class SecondTotals
{
    public Tally Aggregate(Tally tally, Reading row) => tally with { Count = tally.Count + 1, Sum = tally.Sum + row.Value };

    public WindowTotal Emit(WindowInfo window, Tally tally) =>
        new() { Start = window.StartTimestamp, End = window.EndTimestamp, Sensor = window.Key, Count = tally.Count, Sum = tally.Sum };
}
