using Pipelines;

namespace Telemetry;

/// <summary>Keeps a rolling window per car; emits an insight each second of data and whenever the brakes overheat.</summary>
[Processor]
public partial class CarAnalyzer
{
    private const double BrakeLimit = 950;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    // One processor instance handles its partitions one message at a time, so plain per-car state is safe.
    private readonly Dictionary<string, Rolling> cars = new();

    public CarInsight? Handle(CarTelemetry row)
    {
        Interlocked.Increment(ref SampleCounters.Analyzed);
        if (!cars.TryGetValue(row.CarId, out var car))
        {
            cars[row.CarId] = car = new Rolling { Since = row.Time };
        }

        car.Add(row);
        var overheating = row.BrakeTemp > BrakeLimit && !car.Alerted;
        car.Alerted = row.BrakeTemp > BrakeLimit;
        if (!overheating && row.Time - car.Since < Window)
        {
            return null;
        }

        var insight = new CarInsight
        {
            Time = row.Time,
            CarId = row.CarId,
            AverageSpeed = car.SpeedSum / car.Samples,
            PeakBrakeTemp = car.PeakBrakeTemp,
            Samples = car.Samples,
            Alert = overheating ? $"brakes at {row.BrakeTemp:F0} °C" : null,
        };
        if (!overheating)
        {
            cars[row.CarId] = new Rolling { Since = row.Time, Alerted = car.Alerted };
        }

        return insight;
    }

    private sealed class Rolling
    {
        public DateTimeOffset Since { get; init; }
        public bool Alerted { get; set; }
        public int Samples { get; private set; }
        public double SpeedSum { get; private set; }
        public double PeakBrakeTemp { get; private set; }

        public void Add(CarTelemetry row)
        {
            Samples++;
            SpeedSum += row.Speed;
            PeakBrakeTemp = Math.Max(PeakBrakeTemp, row.BrakeTemp);
        }
    }
}
