namespace Pipelines.Tests.Contracts;

// Three versions of one message, as three services that deploy at different times would declare it.

[MessageContract]
public partial class ReadingV1
{
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Value { get; set; }
}

/// <summary>V1 plus optional parameters: old and new readers must both accept either version.</summary>
[MessageContract]
public partial class ReadingV2
{
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Value { get; set; }
    [Parameter] public double? Minimum { get; set; }
    [Parameter] public string Unit { get; set; } = "celsius";
    [Parameter] public List<Point>? Samples { get; set; }
}

/// <summary>"Value" reused with another type: a breaking change that must fail loudly.</summary>
[MessageContract]
public partial class ReadingV3
{
    [Tag] public string Sensor { get; set; } = "";
    [Parameter("Value")] public string? ValueText { get; set; }
}
