using Pipelines;

namespace Telemetry;

/// <summary>A sink: prints alerts and laps, and one car's rolling values so the console stays readable.</summary>
[Processor]
public partial class InsightPrinter
{
    public void Handle(CarInsight insight)
    {
        Interlocked.Increment(ref SampleCounters.Insights);
        if (insight.Wing is not null)
        {
            Interlocked.Increment(ref SampleCounters.WithSettings);
        }

        if (insight.Alert is not null)
        {
            Console.WriteLine($"ALERT  {insight.CarId} ({insight.Driver})  {insight.Alert}");
        }
        else if (insight.LapCompleted is { } lap)
        {
            Interlocked.Increment(ref SampleCounters.Laps);
            Console.WriteLine($"LAP    {insight.CarId} ({insight.Driver})  completed lap {lap}");
        }
        else if (insight.CarId == "car-01")
        {
            Console.WriteLine($"       {insight.CarId} ({insight.Driver})  {insight.AverageSpeed,6:F1} km/h average over {insight.Samples} samples, brakes peaked at {insight.PeakBrakeTemp:F0} °C, wing {insight.Wing?.ToString() ?? "?"}");
        }
    }
}
