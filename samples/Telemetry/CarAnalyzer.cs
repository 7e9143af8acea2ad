using Pipelines;

namespace Telemetry;

/// <summary>
/// Gets each car's rows a second of data at a time (its input buffer), and emits that second's rolling values, a
/// brake alert when the brakes cross the limit, and a note for each completed lap (an event in the car's stream).
/// The driver's name comes from the stream's properties. Whether a car's brakes were already hot is its
/// <see cref="State{T}"/>: kept per car in a local store and a changelog topic, so a restart or a rebalance neither
/// repeats an alert nor misses one. The wing each car runs with comes from a table of the cars' settings, read
/// partition by partition beside the telemetry (a lookup join: a car's settings and its rows share a key, so they
/// share a partition).
/// </summary>
[Processor]
[Buffer(DataSpan = "00:00:01", Timeout = "00:00:02")]
public partial class CarAnalyzer
{
    private const double BrakeLimit = 950;

    public IEnumerable<CarInsight> Handle(IReadOnlyList<CarTelemetry> rows, State<CarHealth> health, Table<CarSettings> settings, StreamContext context)
    {
        Interlocked.Add(ref SampleCounters.Analyzed, rows.Count);
        var car = rows[0].CarId;
        int? wing = settings.TryGet(car, out var current) ? current.Wing : null;   // a car whose settings never came: no wing
        var driver = Driver(context);
        var before = health.GetValueOrDefault(default);
        var peak = rows.Max(r => r.BrakeTemp);
        health.Value = new CarHealth { BrakesOverheated = rows[^1].BrakeTemp > BrakeLimit, HottestBrakes = Math.Max(before.HottestBrakes, peak) };
        if (!before.BrakesOverheated && peak > BrakeLimit)
        {
            var first = rows.First(r => r.BrakeTemp > BrakeLimit);
            yield return new CarInsight { Time = first.Time, CarId = car, Driver = driver, Alert = $"brakes at {first.BrakeTemp:F0} °C", PeakBrakeTemp = peak };
        }

        yield return new CarInsight
        {
            Time = rows[^1].Time,
            CarId = car,
            Driver = driver,
            AverageSpeed = rows.Average(r => r.Speed),
            PeakBrakeTemp = peak,
            Samples = rows.Count,
            Wing = wing,
        };
    }

    public CarInsight? Handle(StreamEvent streamEvent, StreamContext context) =>
        streamEvent.Id == "lap-completed" && int.TryParse(streamEvent.Value, out var lap)
            ? new CarInsight { Time = streamEvent.Time, CarId = context.Stream.Key, Driver = Driver(context), LapCompleted = lap }
            : null;

    private static string? Driver(StreamContext context) => context.Stream.Properties.Metadata.GetValueOrDefault("driver");
}
