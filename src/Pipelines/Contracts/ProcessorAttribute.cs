namespace Pipelines;

/// <summary>
/// Marks a partial class as a processor: its <c>Handle</c> method receives each row of the input topic (the
/// <see cref="TopicAttribute"/> of its first parameter) and returns the row for the output topic (the
/// <see cref="TopicAttribute"/> of its return type), or <see langword="null"/> for none.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProcessorAttribute : Attribute
{
    /// <summary>The consumer group; the class name in kebab-case when omitted (<c>BrakeMonitor</c> → <c>brake-monitor</c>).</summary>
    public string? GroupId { get; init; }
}
