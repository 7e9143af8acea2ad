using Pipelines.IntegrationTests.Kafka;

namespace Pipelines.IntegrationTests.Joins;

/// <summary>A label put on a sensor at a moment: the other side of the joins.</summary>
[Topic("markers")]
public partial class Marker
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public string Label { get; set; } = "";
}

[Topic("marked")]
public partial class MarkedReading
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public string Label { get; set; } = "";
}

/// <summary>
/// An inner interval join: every reading with every marker of its sensor at most a second away. A minute of grace lets
/// the tests write one topic's rows long after the other's.
/// </summary>
[Processor, Join(Within = "00:00:01", Grace = "00:01:00")]
public partial class MarkedReadings
{
    public MarkedReading Handle(Reading reading, Marker marker) => new() { Time = reading.Time, Sensor = reading.Sensor, Label = marker.Label };
}

/// <summary>A left interval join: a reading no marker came near comes out labelled "none".</summary>
[Processor(OutputTopic = "left-marked"), Join(Within = "00:00:01", Grace = "00:01:00")]
public partial class LeftMarkedReadings
{
    public MarkedReading Handle(Reading reading, Marker? marker) => new() { Time = reading.Time, Sensor = reading.Sensor, Label = marker?.Label ?? "none" };
}

/// <summary>A left as-of join: each reading with its sensor's latest marker at or before it, at most five seconds old.</summary>
[Processor(OutputTopic = "as-of-marked"), Join(AsOf = "00:00:05")]
public partial class LatestMarkers
{
    public MarkedReading Handle(Reading reading, Marker? marker) => new() { Time = reading.Time, Sensor = reading.Sensor, Label = marker?.Label ?? "none" };
}

/// <summary>
/// The inner interval join with the default grace (the interval), its input reordered by timestamp for two seconds of
/// wall time: a backlog of both topics reaches the join in data-time order, whichever topic is fetched first.
/// </summary>
[Processor(OutputTopic = "reordered-marked"), Join(Within = "00:00:01"), Buffer(Reorder = "00:00:02")]
public partial class ReorderedMarkedReadings
{
    public MarkedReading Handle(Reading reading, Marker marker) => new() { Time = reading.Time, Sensor = reading.Sensor, Label = marker.Label };
}

/// <summary>
/// The inner interval join with the default grace (the interval) and no buffer: a backlog of both topics still meets
/// in data-time order, because rows of several inputs go in timestamp order across them.
/// </summary>
[Processor(OutputTopic = "aligned-marked"), Join(Within = "00:00:01")]
public partial class AlignedMarkedReadings
{
    public MarkedReading Handle(Reading reading, Marker marker) => new() { Time = reading.Time, Sensor = reading.Sensor, Label = marker.Label };
}
