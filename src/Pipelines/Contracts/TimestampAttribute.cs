namespace Pipelines;

/// <summary>
/// Marks the member that holds a row's timestamp: a <see cref="long"/> of nanoseconds since the Unix epoch,
/// a <see cref="DateTime"/> or a <see cref="DateTimeOffset"/>. Whatever the member's type, the wire carries
/// int64 nanoseconds since the Unix epoch (UTC), so every reader sees one time axis.
/// </summary>
/// <param name="name">The wire name; the member name when omitted.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class TimestampAttribute(string? name = null) : Attribute
{
    /// <summary>The wire name, or <see langword="null"/> for the member name.</summary>
    public string? Name { get; } = name;
}
