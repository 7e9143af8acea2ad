using Pipelines;

namespace Telemetry;

/// <summary>One sample of one car: a dozen parameters at 100 Hz.</summary>
// External: the simulator writes it with a plain Confluent.Kafka producer, as a device gateway would.
[Topic("car-telemetry", External = true)]
public partial class CarTelemetry
{
    [Timestamp] public DateTimeOffset Time { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter] public int Rpm { get; set; }
    [Parameter] public int Gear { get; set; }
    [Parameter] public double Throttle { get; set; }
    [Parameter] public double Brake { get; set; }
    [Parameter] public double Steering { get; set; }
    [Parameter] public double BrakeTemp { get; set; }
    [Parameter] public double OilTemp { get; set; }
    [Parameter] public double WaterTemp { get; set; }
    [Parameter] public double FuelLeft { get; set; }
    [Parameter] public double TyrePressure { get; set; }
    [Parameter] public bool Drs { get; set; }
}

/// <summary>What the analyzer derives: rolling values once a second per car, and brake alerts as they happen.</summary>
[Topic("car-insights")]
public partial class CarInsight
{
    [Timestamp] public DateTimeOffset Time { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double AverageSpeed { get; set; }
    [Parameter] public double PeakBrakeTemp { get; set; }
    [Parameter] public int Samples { get; set; }
    [Parameter] public string? Alert { get; set; }
}
