namespace Pipelines.Tests.Contracts;

[Topic("car-telemetry")]
public partial class CarTelemetry
{
    [Timestamp] public long TimestampNs { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter("rpm")] public int EngineRpm { get; set; }
    [Parameter] public double? BrakeTemp { get; set; }
    [Parameter] public ReadOnlyMemory<byte> Frame { get; set; }
}
