using Pipelines;

namespace Telemetry;

/// <summary>A sink: prints every car's stints, and one car's ten-second averages so the console stays readable.</summary>
[Processor]
public partial class SummaryPrinter
{
    public void Handle(CarSummary summary)
    {
        Interlocked.Increment(ref SampleCounters.Summaries);
        if (summary.Kind == "stint" || summary.CarId == "car-01")
        {
            Console.WriteLine($"{summary.Kind.ToUpperInvariant(),-6} {summary.CarId}  {summary.Start:HH:mm:ss}-{summary.End:HH:mm:ss}  {summary.AverageSpeed,6:F1} km/h average, {summary.TopSpeed:F1} top, {summary.Samples} samples");
        }
    }
}
