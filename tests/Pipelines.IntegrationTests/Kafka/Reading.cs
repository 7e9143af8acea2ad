namespace Pipelines.IntegrationTests.Kafka;

[Topic("readings")]
public partial class Reading
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Value { get; set; }
}

// Zstandard, so the end-to-end hosting test also proves a compressed topic reads back.
[Topic("doubled", Compression = Compression.Zstd)]
public partial class Doubled
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Value { get; set; }
}

[Topic("portions")]
public partial class Portion
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public int Index { get; set; }
    [Parameter] public double Value { get; set; }
}

/// <summary>A row with a binary payload, for messages larger than the broker takes.</summary>
[Topic("attachments")]
public partial class Attachment
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public byte[] Data { get; set; } = [];
}
