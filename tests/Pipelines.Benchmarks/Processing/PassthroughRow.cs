namespace Pipelines.Benchmarks.Processing;

/// <summary>A telemetry row of about 100 bytes on the wire: the value size the issue measures with.</summary>
[Topic("bench-input")]
public partial class PassthroughRow
{
    [Timestamp] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter] public double Throttle { get; set; }
    [Parameter] public double Brake { get; set; }
    [Parameter] public double Steering { get; set; }
    [Parameter] public double OilTemp { get; set; }
    [Parameter] public int Rpm { get; set; }
}
