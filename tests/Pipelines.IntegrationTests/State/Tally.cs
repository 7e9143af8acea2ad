namespace Pipelines.IntegrationTests.State;

/// <summary>Per-sensor state: how many readings, and their sum.</summary>
[MessageContract]
public partial record struct Tally
{
    [Parameter] public int Count { get; init; }
    [Parameter] public double Sum { get; init; }
}
