using MemoryPack;
using MessagePack;
using Pipelines;

namespace Pipelines.Benchmarks.Serialization;

// The row the issue names: a long timestamp, an 8-character tag, six doubles, an int and a bool, declared once
// per serializer with the same member names so that the string-key wire shapes are identical.

[Topic("telemetry")]
public partial class TelemetryRow
{
    [Timestamp] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter] public double Throttle { get; set; }
    [Parameter] public double Brake { get; set; }
    [Parameter] public double Steering { get; set; }
    [Parameter] public double OilTemp { get; set; }
    [Parameter] public double FuelFlow { get; set; }
    [Parameter] public int Rpm { get; set; }
    [Parameter] public bool Drs { get; set; }
}

/// <summary>The same row as a struct, which reads with no allocation at all.</summary>
[Topic("telemetry")]
public partial struct TelemetryStruct
{
    [Timestamp] public long Timestamp;
    [Tag] public string CarId;
    [Parameter] public double Speed;
    [Parameter] public double Throttle;
    [Parameter] public double Brake;
    [Parameter] public double Steering;
    [Parameter] public double OilTemp;
    [Parameter] public double FuelFlow;
    [Parameter] public int Rpm;
    [Parameter] public bool Drs;
}

[MessagePackObject]
public class StringKeyRow
{
    [Key("Timestamp")] public long Timestamp { get; set; }
    [Key("CarId")] public string CarId { get; set; } = "";
    [Key("Speed")] public double Speed { get; set; }
    [Key("Throttle")] public double Throttle { get; set; }
    [Key("Brake")] public double Brake { get; set; }
    [Key("Steering")] public double Steering { get; set; }
    [Key("OilTemp")] public double OilTemp { get; set; }
    [Key("FuelFlow")] public double FuelFlow { get; set; }
    [Key("Rpm")] public int Rpm { get; set; }
    [Key("Drs")] public bool Drs { get; set; }
}

[MessagePackObject]
public class IntKeyRow
{
    [Key(0)] public long Timestamp { get; set; }
    [Key(1)] public string CarId { get; set; } = "";
    [Key(2)] public double Speed { get; set; }
    [Key(3)] public double Throttle { get; set; }
    [Key(4)] public double Brake { get; set; }
    [Key(5)] public double Steering { get; set; }
    [Key(6)] public double OilTemp { get; set; }
    [Key(7)] public double FuelFlow { get; set; }
    [Key(8)] public int Rpm { get; set; }
    [Key(9)] public bool Drs { get; set; }
}

[MemoryPackable]
public partial class MemoryPackRow
{
    public long Timestamp { get; set; }
    public string CarId { get; set; } = "";
    public double Speed { get; set; }
    public double Throttle { get; set; }
    public double Brake { get; set; }
    public double Steering { get; set; }
    public double OilTemp { get; set; }
    public double FuelFlow { get; set; }
    public int Rpm { get; set; }
    public bool Drs { get; set; }
}

internal static class TelemetryData
{
    public const int BatchSize = 1000;

    public static TelemetryRow Row(int i) => new()
    {
        Timestamp = 1_763_900_000_000_000_000 + (i * 10_000_000L),
        CarId = "car-" + (i % 20).ToString("0000"),
        Speed = 250.5 + i,
        Throttle = 0.87,
        Brake = 0.01 * (i % 7),
        Steering = -0.125,
        OilTemp = 104.25,
        FuelFlow = 95.5,
        Rpm = 11_500 + i,
        Drs = i % 2 == 0,
    };

    public static TelemetryStruct Struct(TelemetryRow r) => new()
    {
        Timestamp = r.Timestamp, CarId = r.CarId, Speed = r.Speed, Throttle = r.Throttle, Brake = r.Brake,
        Steering = r.Steering, OilTemp = r.OilTemp, FuelFlow = r.FuelFlow, Rpm = r.Rpm, Drs = r.Drs,
    };

    public static StringKeyRow StringKey(TelemetryRow r) => new()
    {
        Timestamp = r.Timestamp, CarId = r.CarId, Speed = r.Speed, Throttle = r.Throttle, Brake = r.Brake,
        Steering = r.Steering, OilTemp = r.OilTemp, FuelFlow = r.FuelFlow, Rpm = r.Rpm, Drs = r.Drs,
    };

    public static IntKeyRow IntKey(TelemetryRow r) => new()
    {
        Timestamp = r.Timestamp, CarId = r.CarId, Speed = r.Speed, Throttle = r.Throttle, Brake = r.Brake,
        Steering = r.Steering, OilTemp = r.OilTemp, FuelFlow = r.FuelFlow, Rpm = r.Rpm, Drs = r.Drs,
    };

    public static MemoryPackRow MemoryPack(TelemetryRow r) => new()
    {
        Timestamp = r.Timestamp, CarId = r.CarId, Speed = r.Speed, Throttle = r.Throttle, Brake = r.Brake,
        Steering = r.Steering, OilTemp = r.OilTemp, FuelFlow = r.FuelFlow, Rpm = r.Rpm, Drs = r.Drs,
    };
}
