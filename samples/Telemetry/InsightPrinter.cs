using Pipelines;

namespace Telemetry;

/// <summary>A sink: prints alerts, and one car's rolling values so the console stays readable.</summary>
[Processor]
public partial class InsightPrinter
{
    public void Handle(CarInsight insight)
    {
        Interlocked.Increment(ref SampleCounters.Insights);
        if (insight.Alert is not null)
        {
            Console.WriteLine($"ALERT  {insight.CarId}  {insight.Alert}");
        }
        else if (insight.CarId == "car-01")
        {
            Console.WriteLine($"       {insight.CarId}  {insight.AverageSpeed,6:F1} km/h average over {insight.Samples} samples, brakes peaked at {insight.PeakBrakeTemp:F0} °C");
        }
    }
}
