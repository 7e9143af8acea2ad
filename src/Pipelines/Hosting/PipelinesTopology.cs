using Microsoft.Extensions.DependencyInjection;

namespace Pipelines.Hosting;

/// <summary>
/// The processors a host runs and the topics between them, with the settings it runs with (configuration can rename a
/// group or a dead-letter topic): one singleton service, filled as processors are registered. <see cref="ToMermaid"/>
/// draws it. The same diagram from the attributes alone is generated into the assembly as <c>Pipelines.Generated.AssemblyTopology.Mermaid</c>.
/// </summary>
public sealed class PipelinesTopology
{
    private readonly HostRegistry<ProcessorTopology> processors = new();

    internal PipelinesTopology()
    {
    }

    /// <summary>The processors, in registration order.</summary>
    public IReadOnlyList<ProcessorTopology> Processors => processors.Entries;

    /// <summary>A Mermaid flowchart (paste it into a <c>```mermaid</c> block): topics as cylinders, processors as boxes, tables, dead letters and state dotted.</summary>
    public string ToMermaid() =>
        TopologyDiagram.Mermaid(Processors.Select(p => new TopologyDiagram.Processor(p.Name, p.InputTopic, p.OutputTopic, p.DeadLetterTopic, p.ChangelogTopic, p.TableTopics, p.InputTopics is { Count: > 0 } inputs ? inputs : null)));

    /// <summary>The one instance of <paramref name="services"/>, registered now if it was not.</summary>
    internal static PipelinesTopology In(IServiceCollection services) => HostRegistry<ProcessorTopology>.In(services, () => new PipelinesTopology());

    internal void Add(ProcessorTopology processor) => processors.Add(processor);
}

/// <summary>One processor in a <see cref="PipelinesTopology"/>.</summary>
/// <param name="Name">The processor's name.</param>
/// <param name="GroupId">Its consumer group.</param>
/// <param name="InputTopic">The topic it reads.</param>
/// <param name="OutputTopic">The topic it writes, or <see langword="null"/> for a sink.</param>
/// <param name="DeadLetterTopic">Where its dead letters go, or <see langword="null"/> when its failure policy is not <c>DeadLetter</c>.</param>
/// <param name="ChangelogTopic">The changelog of its keyed state or windows, or <see langword="null"/> without state.</param>
/// <param name="TableTopics">The topics its handler reads as tables.</param>
/// <param name="InputTopics">Every topic it reads, when it has several inputs (the first is <paramref name="InputTopic"/>); else <see langword="null"/>.</param>
public sealed record ProcessorTopology(string Name, string GroupId, string InputTopic, string? OutputTopic, string? DeadLetterTopic, string? ChangelogTopic, IReadOnlyList<string> TableTopics, IReadOnlyList<string>? InputTopics = null);
