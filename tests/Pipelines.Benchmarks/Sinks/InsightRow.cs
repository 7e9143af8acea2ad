namespace Pipelines.Benchmarks.Sinks;

/// <summary>The sample's insight row (samples/Telemetry, CarInsight).</summary>
[Topic("car-insights")]
public partial class InsightRow
{
    [Timestamp] public DateTimeOffset Time { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public string? Driver { get; set; }
    [Parameter] public double AverageSpeed { get; set; }
    [Parameter] public double PeakBrakeTemp { get; set; }
    [Parameter] public int Samples { get; set; }
    [Parameter] public string? Alert { get; set; }
    [Parameter] public int? LapCompleted { get; set; }
    [Parameter] public int? Wing { get; set; }

    /// <summary>Row <paramref name="index"/> of a session: eight cars 10 ms apart, a driver, alert or lap now and then.</summary>
    public static InsightRow Sample(int index)
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_765_063_815_250);
        return new InsightRow
        {
            Time = start.AddMilliseconds(index * 10),
            CarId = $"car-{index % 8:00}",
            Driver = index % 8 == 0 ? null : $"Driver {index % 8}",
            AverageSpeed = 180 + (index % 97) * 0.5,
            PeakBrakeTemp = 420 + (index % 211),
            Samples = 100,
            Alert = index % 50 == 0 ? "brakes overheated" : null,
            LapCompleted = index % 400 == 0 ? index / 400 : null,
            Wing = 7 + (index % 3),
        };
    }
}
