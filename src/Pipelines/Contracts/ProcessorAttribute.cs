using Pipelines.Processing;

namespace Pipelines;

/// <summary>
/// Marks a partial class as a processor: its <c>Handle</c> method receives each row of the input topic (the
/// <see cref="TopicAttribute"/> of its first parameter) and returns the row for the output topic (the
/// <see cref="TopicAttribute"/> of its return type), or <see langword="null"/> for none.
/// </summary>
/// <remarks>
/// The settings here are the processor's compiled defaults: each one left out keeps the runtime default, and the
/// <c>Pipelines:Processors:&lt;Name&gt;</c> configuration section overrides any of them without recompiling.
/// Out-of-range values are compile-time errors (PIPE008).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProcessorAttribute : Attribute
{
    /// <summary>The consumer group; the class name in kebab-case when omitted (<c>BrakeMonitor</c> → <c>brake-monitor</c>).</summary>
    public string? GroupId { get; init; }

    /// <summary>The topic read, instead of the input contract's <see cref="TopicAttribute"/> (for example a second copy of it).</summary>
    public string? InputTopic { get; init; }

    /// <summary>The topic written, instead of the output contract's <see cref="TopicAttribute"/>.</summary>
    public string? OutputTopic { get; init; }

    /// <summary>What happens to a message that cannot be processed (<see cref="ProcessorOptions.OnFailure"/>).</summary>
    public FailurePolicy OnFailure { get; init; }

    /// <summary>Retries of a failing handler before <see cref="OnFailure"/> applies; 0 or more (<see cref="ProcessorOptions.MaxRetries"/>).</summary>
    public int MaxRetries { get; init; }

    /// <summary>The first retry's delay as a time span such as <c>"00:00:00.100"</c>; not negative (<see cref="ProcessorOptions.RetryBackoff"/>).</summary>
    public string? RetryBackoff { get; init; }

    /// <summary>How often offsets are committed, as a time span such as <c>"00:00:05"</c>; positive (<see cref="ProcessorOptions.CommitInterval"/>).</summary>
    public string? CommitInterval { get; init; }

    /// <summary>Also commit after this many finished messages; 1 or more (<see cref="ProcessorOptions.CommitEvery"/>).</summary>
    public int CommitEvery { get; init; }

    /// <summary>The most rows a batch handler receives in one call; 1 or more (<see cref="ProcessorOptions.MaxBatchSize"/>).</summary>
    public int MaxBatchSize { get; init; }

    /// <summary>How the output topic is compressed; instead of the output contract's <see cref="TopicAttribute.Compression"/> (<see cref="ProcessorOptions.Compression"/>).</summary>
    public Compression Compression { get; init; }

    /// <summary>Larger values are written as chunks the reader joins; 4096 or more (<see cref="ProcessorOptions.MaxMessageBytes"/>).</summary>
    public int MaxMessageBytes { get; init; }

    /// <summary>How long a split message's chunks may take to arrive, as a time span; positive (<see cref="ProcessorOptions.SplitTimeout"/>).</summary>
    public string? SplitTimeout { get; init; }

    /// <summary>With several inputs, how long a row may wait for another input's older rows still on the broker, as a time span; not negative (<see cref="ProcessorOptions.MaxInputWait"/>).</summary>
    public string? MaxInputWait { get; init; }

    /// <summary>Close a stream when nothing of it arrived for this long, as a time span; positive (<see cref="ProcessorOptions.StreamIdleTimeout"/>).</summary>
    public string? StreamIdleTimeout { get; init; }

    /// <summary>
    /// Forget a stream key's state (a <see cref="State{T}"/> value, or closed windows' bookkeeping) when no row of it has
    /// been handled for this long on the wall clock, as a time span; positive and longer than the commit interval
    /// (<see cref="ProcessorOptions.StateTimeToLive"/>).
    /// </summary>
    public string? StateTimeToLive { get; init; }

    /// <summary>What <see cref="StateTimeToLive"/> is measured on: the wall clock (the default) or the rows' data time (<see cref="ProcessorOptions.StateTimeToLiveClock"/>).</summary>
    public StateClock StateTimeToLiveClock { get; init; }

    /// <summary>Favour latency over throughput (<see cref="ProcessorOptions.LowLatency"/>).</summary>
    public bool LowLatency { get; init; }
}
