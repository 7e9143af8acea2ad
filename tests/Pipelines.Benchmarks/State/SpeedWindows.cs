using Pipelines.Benchmarks.Processing;

namespace Pipelines.Benchmarks.State;

/// <summary>A window's count and sum of speeds: the mean is one division away.</summary>
[MessageContract]
public partial record struct SpeedSum
{
    [Parameter] public long Count { get; init; }
    [Parameter] public double Sum { get; init; }
}

/// <summary>What a closed window writes.</summary>
[Topic("bench-windows")]
public partial class SpeedMean
{
    [Timestamp] public long Start { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public long Count { get; set; }
    [Parameter] public double Mean { get; set; }
}

/// <summary>
/// One-second tumbling windows per car: count and mean speed, as generated code runs them. Counts the rows it
/// aggregates on the <see cref="AggregationClock"/>.
/// </summary>
[Processor]
[Window(Tumbling = "00:00:01")]
public partial class SpeedWindows
{
    public SpeedSum Aggregate(SpeedSum sum, PassthroughRow row)
    {
        AggregationClock.Row();
        return new SpeedSum { Count = sum.Count + 1, Sum = sum.Sum + row.Speed };
    }

    public SpeedMean Emit(WindowInfo window, SpeedSum sum) =>
        new() { Start = window.StartTimestamp, CarId = window.Key, Count = sum.Count, Mean = sum.Sum / sum.Count };
}
