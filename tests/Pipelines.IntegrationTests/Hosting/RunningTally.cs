using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.State;

namespace Pipelines.IntegrationTests.Hosting;

[Topic("tallies")]
public partial class SensorTally
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public int Count { get; set; }
    [Parameter] public double Sum { get; set; }
}

/// <summary>Keyed state through the generated code: each sensor's running count and sum, kept in <see cref="State{T}"/>.</summary>
[Processor]
public partial class RunningTally
{
    public SensorTally Handle(Reading row, State<Tally> tally)
    {
        var now = tally.GetValueOrDefault(default);
        now = now with { Count = now.Count + 1, Sum = now.Sum + row.Value };
        tally.Value = now;
        return new SensorTally { Time = row.Time, Sensor = row.Sensor, Count = now.Count, Sum = now.Sum };
    }
}
