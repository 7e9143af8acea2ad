namespace Pipelines.Tests.Contracts;

/// <summary>A positional record: constructed through its primary constructor when read.</summary>
[MessageContract]
public partial record PositionalRow(
    [property: Timestamp] DateTime Time,
    [property: Tag] string Sensor,
    [property: Parameter] float Value)
{
    [Parameter] public string? Note { get; init; }
}
