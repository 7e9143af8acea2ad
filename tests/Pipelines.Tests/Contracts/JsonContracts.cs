namespace Pipelines.Tests.Contracts;

public enum Channel
{
    Web,
    Store,
}

/// <summary>A JSON topic's row, as a service or a Quix Streams application writes it.</summary>
[Topic("orders", Format = TopicFormat.Json)]
public partial class Order
{
    [Timestamp("at")] public long At { get; set; }
    [Tag("customer")] public string Customer { get; set; } = "";
    [Parameter("total")] public double Total { get; set; }
    [Parameter("count")] public int Count { get; set; }
    [Parameter("channel")] public Channel Channel { get; set; }
    [Parameter("placed")] public DateTime Placed { get; set; }
    [Parameter("note")] public string? Note { get; set; }
    [Parameter("address")] public Address? Address { get; set; }
}

[MessageContract]
public partial class Address
{
    [Parameter("city")] public string City { get; set; } = "";
    [Parameter("zip")] public int Zip { get; set; }
}

/// <summary>A struct row of a JSON topic: read allocating nothing but what its strings need.</summary>
[Topic("json-readings", Format = TopicFormat.Json)]
public partial struct JsonReading
{
    [Timestamp("time")] public long Time;
    [Tag("sensor")] public string Sensor;
    [Parameter("value")] public double Value;
}

/// <summary>A wire name Avro does not allow: the contract has no Avro schema.</summary>
[MessageContract]
public partial class DashedRow
{
    [Parameter("brake-temp")] public double BrakeTemp { get; set; }
}

/// <summary>A JSON topic whose writers put times as Unix milliseconds (JavaScript's Date.now()).</summary>
[Topic("clicks", Format = TopicFormat.Json, JsonTimes = JsonTimes.UnixMilliseconds)]
public partial class Click
{
    [Timestamp("at")] public DateTimeOffset At { get; set; }
    [Tag("page")] public string Page { get; set; } = "";
    [Parameter("seen")] public DateTime? Seen { get; set; }
    [Parameter("replays")] public List<DateTime> Replays { get; set; } = [];
    [Parameter("session")] public Session? Session { get; set; }
}

/// <summary>Nested in a contract of Unix-millisecond times, but ISO-8601 by its own attribute.</summary>
[MessageContract]
public partial class Session
{
    [Parameter("started")] public DateTimeOffset Started { get; set; }
}
