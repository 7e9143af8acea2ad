using Pipelines;

namespace Telemetry;

/// <summary>One sample of one car: a dozen parameters at 100 Hz. Its stream (one per car) also carries lap events.</summary>
// External: the simulator writes it with a TopicWriter, as a device gateway would.
[Topic("car-telemetry", External = true)]
public partial class CarTelemetry
{
    [Timestamp] public DateTimeOffset Time { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double Speed { get; set; }
    [Parameter] public int Rpm { get; set; }
    [Parameter] public int Gear { get; set; }
    [Parameter] public double Throttle { get; set; }
    [Parameter] public double Brake { get; set; }
    [Parameter] public double Steering { get; set; }
    [Parameter] public double BrakeTemp { get; set; }
    [Parameter] public double OilTemp { get; set; }
    [Parameter] public double WaterTemp { get; set; }
    [Parameter] public double FuelLeft { get; set; }
    [Parameter] public double TyrePressure { get; set; }
    [Parameter] public bool Drs { get; set; }
}

/// <summary>What the analyzer derives per car: rolling values for each second of data, brake alerts and completed laps.</summary>
[Topic("car-insights")]
[Buffer(MaxRows = 50, Timeout = "00:00:00.200")] // packed: a handful of messages a second instead of one per insight
public partial class CarInsight
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
}

/// <summary>
/// What the windows make of a car's speed: an average over ten seconds of data (<see cref="SpeedStats"/>) or over a
/// stint between two pit stops (<see cref="Stints"/>).
/// </summary>
[Topic("car-summaries")]
public partial class CarSummary
{
    [Timestamp] public DateTimeOffset Start { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public string Kind { get; set; } = "";
    [Parameter] public DateTimeOffset End { get; set; }
    [Parameter] public long Samples { get; set; }
    [Parameter] public double AverageSpeed { get; set; }
    [Parameter] public double TopSpeed { get; set; }

    /// <summary>The summary of one window of a car's speeds.</summary>
    public static CarSummary Of(string kind, WindowInfo window, WindowStats speed) => new()
    {
        Start = window.Start,
        End = window.End,
        CarId = window.Key,
        Kind = kind,
        Samples = speed.Count,
        AverageSpeed = speed.Mean,
        TopSpeed = speed.Max,
    };
}

/// <summary>What <see cref="CarAnalyzer"/> remembers of each car between calls, across restarts and rebalances.</summary>
[MessageContract]
public partial record struct CarHealth
{
    [Parameter] public bool BrakesOverheated { get; init; }
    [Parameter] public double HottestBrakes { get; init; }
}

/// <summary>
/// A car's current settings: read by <see cref="CarAnalyzer"/> as a table (the latest row per car), so each insight
/// carries the wing the car ran with. The simulator writes them at the start and again after every pit stop.
/// </summary>
[Topic("car-settings", External = true)]
public partial class CarSettings
{
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public int Wing { get; set; }
    [Parameter] public double BrakeBias { get; set; }
}

/// <summary>A car's setup sheet, sent once when its session starts: a binary attachment larger than Kafka takes in one message.</summary>
[Topic("car-setups", External = true)]
public partial class CarSetup
{
    [Timestamp] public DateTimeOffset Time { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public byte[] Sheet { get; set; } = [];
}

/// <summary>
/// A note from the pit wall, posted as plain JSON by a service that knows nothing of Pipelines (the simulator plays it,
/// with a bare Kafka producer): <c>{"car":"car-03","note":"box this lap: wing to 8","lap":3}</c>.
/// </summary>
[Topic("pit-notes", Format = TopicFormat.Json, External = true)]
public partial class PitNote
{
    [Tag("car")] public string CarId { get; set; } = "";
    [Parameter("note")] public string Note { get; set; } = "";
    [Parameter("lap")] public int Lap { get; set; }
}

/// <summary>
/// A car stopping in its pit box after a lap: the simulator writes one as the car comes in, as Avro through the Schema
/// Registry, the way a timing system's Java producer would (the embedded broker brings a registry of its own).
/// </summary>
[Topic("pit-stops", Format = TopicFormat.Avro, External = true)]
public partial class PitStop
{
    [Timestamp] public DateTimeOffset Time { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public int Lap { get; set; }
    [Parameter] public double Seconds { get; set; }
}

/// <summary>A car's speed a whole number of seconds before or after one of its pit stops (<see cref="PitCorrelator"/>).</summary>
[Topic("pit-passes")]
public partial class PitPass
{
    [Timestamp] public DateTimeOffset Time { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public int Lap { get; set; }

    /// <summary>Seconds from the stop: negative on the way in, positive on the way out (after the time in the box).</summary>
    [Parameter] public int Second { get; set; }
    [Parameter] public double Speed { get; set; }
}
