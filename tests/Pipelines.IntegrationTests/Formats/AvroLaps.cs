namespace Pipelines.IntegrationTests.Formats;

[Topic("lap-times", Format = TopicFormat.Avro)]
public partial class AvroLap
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("lap")] public int Lap { get; set; }
    [Parameter("seconds")] public double Seconds { get; set; }
    [Parameter("driver")] public string? Driver { get; set; }
}

[Topic("lap-records", Format = TopicFormat.Avro)]
public partial class AvroLapRecord
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("lap")] public int Lap { get; set; }
    [Parameter("kmh")] public double Kmh { get; set; }
    [Parameter("driver")] public string? Driver { get; set; }
}

[Topic("drivers", Format = TopicFormat.Avro)]
public partial class AvroDriver
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("name")] public string Name { get; set; } = "";
}
