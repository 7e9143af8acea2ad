namespace Pipelines.Benchmarks.Processing;

/// <summary>A race car's full telemetry frame: fifty parameters, the width the headroom case names.</summary>
[Topic("wide-telemetry")]
public partial class WideTelemetryRow
{
    [Timestamp] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public double P01 { get; set; }
    [Parameter] public double P02 { get; set; }
    [Parameter] public double P03 { get; set; }
    [Parameter] public double P04 { get; set; }
    [Parameter] public double P05 { get; set; }
    [Parameter] public double P06 { get; set; }
    [Parameter] public double P07 { get; set; }
    [Parameter] public double P08 { get; set; }
    [Parameter] public double P09 { get; set; }
    [Parameter] public double P10 { get; set; }
    [Parameter] public double P11 { get; set; }
    [Parameter] public double P12 { get; set; }
    [Parameter] public double P13 { get; set; }
    [Parameter] public double P14 { get; set; }
    [Parameter] public double P15 { get; set; }
    [Parameter] public double P16 { get; set; }
    [Parameter] public double P17 { get; set; }
    [Parameter] public double P18 { get; set; }
    [Parameter] public double P19 { get; set; }
    [Parameter] public double P20 { get; set; }
    [Parameter] public double P21 { get; set; }
    [Parameter] public double P22 { get; set; }
    [Parameter] public double P23 { get; set; }
    [Parameter] public double P24 { get; set; }
    [Parameter] public double P25 { get; set; }
    [Parameter] public double P26 { get; set; }
    [Parameter] public double P27 { get; set; }
    [Parameter] public double P28 { get; set; }
    [Parameter] public double P29 { get; set; }
    [Parameter] public double P30 { get; set; }
    [Parameter] public double P31 { get; set; }
    [Parameter] public double P32 { get; set; }
    [Parameter] public double P33 { get; set; }
    [Parameter] public double P34 { get; set; }
    [Parameter] public double P35 { get; set; }
    [Parameter] public double P36 { get; set; }
    [Parameter] public double P37 { get; set; }
    [Parameter] public double P38 { get; set; }
    [Parameter] public double P39 { get; set; }
    [Parameter] public double P40 { get; set; }
    [Parameter] public double P41 { get; set; }
    [Parameter] public double P42 { get; set; }
    [Parameter] public double P43 { get; set; }
    [Parameter] public double P44 { get; set; }
    [Parameter] public double P45 { get; set; }
    [Parameter] public double P46 { get; set; }
    [Parameter] public double P47 { get; set; }
    [Parameter] public double P48 { get; set; }
    [Parameter] public double P49 { get; set; }
    [Parameter] public double P50 { get; set; }
}

/// <summary>What the headroom processor derives: per car and flushed buffer, the mean of every parameter.</summary>
[Topic("wide-averages")]
public partial class WideAverages
{
    [Timestamp] public long Timestamp { get; set; }
    [Tag] public string CarId { get; set; } = "";
    [Parameter] public int Samples { get; set; }
    [Parameter] public double[] Means { get; set; } = [];
}
