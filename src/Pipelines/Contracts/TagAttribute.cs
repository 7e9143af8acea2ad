namespace Pipelines;

/// <summary>
/// Marks a member as a tag: a value that identifies the stream a row belongs to (a car, a sensor), not a
/// measurement. Tags form the Kafka message key. Repeated string tag values are read without allocating.
/// </summary>
/// <param name="name">The wire name; the member name when omitted.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class TagAttribute(string? name = null) : Attribute
{
    /// <summary>The wire name, or <see langword="null"/> for the member name.</summary>
    public string? Name { get; } = name;
}
