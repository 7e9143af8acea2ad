using Pipelines;

namespace PipelinesApp;

/// <summary>A sensor's reading, written by devices (External: no processor of this app writes it).</summary>
[Topic("sensor-readings", External = true)]
public partial class SensorReading
{
    [Timestamp] public DateTime Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Temperature { get; set; }
}

/// <summary>A reading above the threshold.</summary>
[Topic("temperature-alerts")]
public partial class TemperatureAlert
{
    [Timestamp] public DateTime Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Temperature { get; set; }
}
