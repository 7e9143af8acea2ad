using Pipelines.Processing;

namespace Pipelines.Hosting;

/// <summary>Calls a processor's handler with the rows of one call and collects what it returns into <paramref name="outputs"/>.</summary>
public delegate ValueTask ProcessorInvoker<in TProcessor, TIn, TOut>(TProcessor processor, IReadOnlyList<TIn> rows, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken)
    where TOut : IMessageContract<TOut>;

/// <summary>
/// What the generator knows about a <see cref="ProcessorAttribute">processor</see>: its name, group, topics,
/// whether its handler takes a batch of rows, how to call it, and the settings its attribute sets.
/// Configuration overrides everything but the name, the topics and the handler.
/// </summary>
/// <param name="Name">The processor's name (its class name): configuration key, logs, dead-letter headers.</param>
/// <param name="GroupId">The consumer group.</param>
/// <param name="InputTopic">The topic read.</param>
/// <param name="OutputTopic">The topic written, or <see langword="null"/> for a sink.</param>
/// <param name="HandlesBatches">Whether the handler takes a list of rows rather than one.</param>
/// <param name="Invoke">Calls the handler.</param>
/// <param name="Configure">Applies the attribute's settings to the runtime defaults; <see langword="null"/> when it sets none.</param>
public sealed record ProcessorDescriptor<TProcessor, TIn, TOut>(
    string Name,
    string GroupId,
    string InputTopic,
    string? OutputTopic,
    bool HandlesBatches,
    ProcessorInvoker<TProcessor, TIn, TOut> Invoke,
    Func<ProcessorOptions, ProcessorOptions>? Configure = null)
    where TOut : IMessageContract<TOut>
{
    /// <summary>The input buffer's row filter (<see cref="BufferAttribute.Filter"/>), or <see langword="null"/>.</summary>
    public Func<TProcessor, TIn, bool>? Filter { get; init; }

    /// <summary>The input buffer's flush rule (<see cref="BufferAttribute.FlushWhen"/>), or <see langword="null"/>.</summary>
    public Func<TProcessor, IReadOnlyList<TIn>, bool>? FlushWhen { get; init; }

    /// <summary>The processor's <c>Handle(StreamEvent)</c>, or <see langword="null"/>: events are skipped.</summary>
    public Func<TProcessor, StreamEvent, Outputs<TOut>, StreamContext, CancellationToken, ValueTask>? OnEvent { get; init; }

    /// <summary>The processor's <c>OnStreamOpened(StreamInfo)</c>, or <see langword="null"/>.</summary>
    public Func<TProcessor, StreamInfo, Outputs<TOut>, CancellationToken, ValueTask>? OnStreamOpened { get; init; }

    /// <summary>The processor's <c>OnStreamClosed(StreamInfo, StreamEnd)</c>, or <see langword="null"/>.</summary>
    public Func<TProcessor, StreamInfo, StreamEnd, Outputs<TOut>, CancellationToken, ValueTask>? OnStreamClosed { get; init; }

    /// <summary>The event and stream handlers bound to one processor instance, or <see langword="null"/> when there are none.</summary>
    public StreamHandlers<TOut>? StreamHandlersFor(TProcessor processor)
    {
        if (OnEvent is null && OnStreamOpened is null && OnStreamClosed is null)
        {
            return null;
        }

        var (onEvent, opened, closed) = (OnEvent, OnStreamOpened, OnStreamClosed);
        return new StreamHandlers<TOut>(
            onEvent is null ? null : (streamEvent, outputs, context, cancellationToken) => onEvent(processor, streamEvent, outputs, context, cancellationToken),
            opened is null ? null : (stream, _, outputs, cancellationToken) => opened(processor, stream, outputs, cancellationToken),
            closed is null ? null : (stream, end, outputs, cancellationToken) => closed(processor, stream, end ?? StreamEnd.Closed, outputs, cancellationToken));
    }

    /// <summary>The hooks bound to one processor instance, or <see langword="null"/> when there are none.</summary>
    public BufferHooks<TIn>? HooksFor(TProcessor processor)
    {
        if (Filter is null && FlushWhen is null)
        {
            return null;
        }

        var filter = Filter;
        var flushWhen = FlushWhen;
        return new BufferHooks<TIn>(
            filter is null ? null : row => filter(processor, row),
            flushWhen is null ? null : rows => flushWhen(processor, rows));
    }

    /// <summary>The options before configuration: runtime defaults, then the attribute's settings.</summary>
    public ProcessorOptions Defaults(string bootstrapServers, IReadOnlyDictionary<string, string>? consumerKafka = null)
    {
        var options = new ProcessorOptions
        {
            Name = Name,
            GroupId = GroupId,
            InputTopic = InputTopic,
            OutputTopic = OutputTopic,
            BootstrapServers = bootstrapServers,
            ConsumerKafka = consumerKafka ?? new Dictionary<string, string>(),
        };
        return Configure is null ? options : Configure(options);
    }
}
