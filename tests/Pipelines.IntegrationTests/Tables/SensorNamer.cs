using Pipelines.IntegrationTests.Kafka;

namespace Pipelines.IntegrationTests.Tables;

/// <summary>A sensor's display name: a table, the latest row per sensor.</summary>
[Topic("sensor-names")]
public partial class SensorName
{
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public string Name { get; set; } = "";
}

[Topic("named-readings")]
public partial class NamedReading
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public string Name { get; set; } = "";
    [Parameter] public double Value { get; set; }
}

/// <summary>A lookup join, generated: each reading with its sensor's name from a global table, or "?" (a left join).</summary>
[Processor]
public partial class SensorNamer
{
    public NamedReading Handle(Reading row, GlobalTable<SensorName> names) =>
        new() { Time = row.Time, Sensor = row.Sensor, Value = row.Value, Name = names.TryGet(row.Sensor, out var name) ? name.Name : "?" };
}
