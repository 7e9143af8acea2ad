using System.ComponentModel;
using Pipelines.Hosting;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>
/// What the generator knows about a <see cref="ProcessorAttribute">processor</see> before it has an instance: its
/// name, group, topics, which members it implements and the settings its attribute sets. Configuration overrides
/// everything but the name, the topics and the features.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <param name="Name">The processor's name (its class name): configuration key, logs, dead-letter headers.</param>
/// <param name="GroupId">The consumer group.</param>
/// <param name="InputTopic">The topic read.</param>
/// <param name="OutputTopic">The topic written, or <see langword="null"/> for a sink.</param>
/// <param name="Features">Which members of <see cref="IProcessor{TIn, TOut}"/> the processor implements.</param>
/// <param name="Configure">Applies the attribute's settings to the runtime defaults; <see langword="null"/> when it sets none.</param>
/// <param name="Tables">The tables its handler reads (its <see cref="GlobalTable{T}"/> parameters, in order), or <see langword="null"/> for none; hosting creates their topics and draws them in the topology before an instance exists.</param>
/// <param name="StateName">The name of its keyed state (<c>state</c>, or <c>windows</c>), which names its changelog; <see langword="null"/> without state.</param>
/// <param name="InputTopics">Every topic read, for a processor with several inputs (a handler per input contract, in order; the first is <paramref name="InputTopic"/>); <see langword="null"/> for one.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ProcessorDescriptor(
    string Name,
    string GroupId,
    string InputTopic,
    string? OutputTopic,
    ProcessorFeatures Features,
    Func<ProcessorOptions, ProcessorOptions>? Configure = null,
    string? StateName = null,
    IReadOnlyList<TableDefinition>? Tables = null,
    IReadOnlyList<string>? InputTopics = null)
{
    /// <summary>Whether the processor's handler takes many rows per call.</summary>
    public bool HandlesBatches => Features.HasFlag(ProcessorFeatures.Batches);

    /// <summary>The options before configuration: runtime defaults, then the attribute's settings.</summary>
    public ProcessorOptions Defaults(string bootstrapServers, IReadOnlyDictionary<string, string>? consumerKafka = null)
    {
        var options = new ProcessorOptions
        {
            Name = Name,
            GroupId = GroupId,
            InputTopic = InputTopic,
            InputTopics = InputTopics ?? [],
            OutputTopic = OutputTopic,
            BootstrapServers = bootstrapServers,
            ConsumerKafka = consumerKafka ?? new Dictionary<string, string>(),
        };
        return Configure is null ? options : Configure(options);
    }
}
