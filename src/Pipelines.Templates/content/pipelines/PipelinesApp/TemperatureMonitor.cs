using Pipelines;

namespace PipelinesApp;

/// <summary>Reads sensor-readings, writes temperature-alerts: one alert per reading above <see cref="Threshold"/>.</summary>
[Processor]
public partial class TemperatureMonitor
{
    public const double Threshold = 90;

    public TemperatureAlert? Handle(SensorReading reading) =>
        reading.Temperature > Threshold ? new TemperatureAlert { Time = reading.Time, Sensor = reading.Sensor, Temperature = reading.Temperature } : null;
}

/// <summary>Prints each alert: a sink, since it returns nothing.</summary>
[Processor]
public partial class AlertPrinter
{
    public void Handle(TemperatureAlert alert) => Console.WriteLine($"ALERT {alert.Sensor} at {alert.Temperature:0.0} °C ({alert.Time:HH:mm:ss})");
}
