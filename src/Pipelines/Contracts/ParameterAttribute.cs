namespace Pipelines;

/// <summary>Marks a member as a parameter: one measured value of a row (speed, rpm, a camera frame).</summary>
/// <param name="name">The wire name; the member name when omitted.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class ParameterAttribute(string? name = null) : Attribute
{
    /// <summary>The wire name, or <see langword="null"/> for the member name.</summary>
    public string? Name { get; } = name;
}
