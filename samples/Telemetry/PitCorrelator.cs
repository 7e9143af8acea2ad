using Pipelines;

namespace Telemetry;

/// <summary>
/// Correlates each pit stop with the car's telemetry around it: an interval join of the two topics, per car, of the
/// rows at most five seconds from the stop. Of each second's hundred rows it keeps the one on the whole second, so a
/// stop becomes the car's speed on the way in and, after its three seconds in the box, on the way out. The rows that
/// may still meet a stop wait in the processor's state, bounded by the interval.
/// </summary>
[Processor]
[Join(Within = "00:00:05")]
public partial class PitCorrelator
{
    public PitPass? Handle(CarTelemetry telemetry, PitStop stop)
    {
        var offset = telemetry.Time - stop.Time;
        var second = (int)Math.Round(offset.TotalSeconds);
        return Math.Abs(offset.TotalSeconds - second) < 0.005 && second != 0
            ? new PitPass { Time = telemetry.Time, CarId = stop.CarId, Lap = stop.Lap, Second = second, Speed = telemetry.Speed }
            : null;
    }
}

/// <summary>A sink: counts the pit passes and prints each stop's approach speed a second before it.</summary>
[Processor]
public partial class PitPrinter
{
    public void Handle(PitPass pass)
    {
        Interlocked.Increment(ref SampleCounters.PitPasses);
        if (pass.Second == -1)
        {
            Console.WriteLine($"PIT    {pass.CarId}  in after lap {pass.Lap} at {pass.Speed:F0} km/h, a second before the stop");
        }
    }
}
