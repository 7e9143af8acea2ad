namespace Pipelines.Benchmarks.Processing;

/// <summary>A telemetry row of about 100 bytes on the wire: the value size the issue measures with.</summary>
[Topic("bench-input")]
public partial class PassthroughRow
{
    [Timestamp] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter] public double Throttle { get; set; }
    [Parameter] public double Brake { get; set; }
    [Parameter] public double Steering { get; set; }
    [Parameter] public double OilTemp { get; set; }
    [Parameter] public int Rpm { get; set; }

    /// <summary>A row with the same values: what the benchmark handlers write for each row they read.</summary>
    public PassthroughRow Copy() => new()
    {
        Timestamp = Timestamp,
        CarId = CarId,
        Speed = Speed,
        Throttle = Throttle,
        Brake = Brake,
        Steering = Steering,
        OilTemp = OilTemp,
        Rpm = Rpm,
    };

    /// <summary>Row <paramref name="index"/> of car <paramref name="car"/>, 10 ms apart.</summary>
    public static PassthroughRow Sample(int car, int index) => new()
    {
        Timestamp = 1_700_000_000_000_000_000 + (index * 10_000_000L),
        CarId = $"car-{car}",
        Speed = 250.5 + (index % 50),
        Throttle = 0.75,
        Brake = 0.125 * (index % 3),
        Steering = -0.3,
        OilTemp = 101.25,
        Rpm = 11_000 + (index % 900),
    };
}
