using Pipelines.IntegrationTests.Kafka;

namespace Pipelines.IntegrationTests.Tables;

[Topic("labeled-readings")]
public partial class LabeledReading
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public string Name { get; set; } = "";

    /// <summary>How many keys the instance that handled the reading held in its table: its share, not the whole.</summary>
    [Parameter] public int Held { get; set; }
}

/// <summary>A lookup join in a table partitioned with the input, generated: each reading with its sensor's name, or "?" (a left join).</summary>
[Processor]
public partial class SensorLabeler
{
    public LabeledReading Handle(Reading row, Table<SensorName> names) =>
        new() { Time = row.Time, Sensor = row.Sensor, Name = names.TryGet(row.Sensor, out var name) ? name.Name : "?", Held = names.Count };
}
