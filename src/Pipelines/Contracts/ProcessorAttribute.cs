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

    /// <summary>The topic read, instead of the input contract's <see cref="TopicAttribute"/> (for example a second copy of it).</summary>
    public string? InputTopic { get; init; }

    /// <summary>The topic written, instead of the output contract's <see cref="TopicAttribute"/>.</summary>
    public string? OutputTopic { get; init; }
}
