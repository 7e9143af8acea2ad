using Pipelines.Processing;

namespace Pipelines.Hosting;

/// <summary>Calls a processor's handler with the rows of one call and collects what it returns into <paramref name="outputs"/>.</summary>
public delegate ValueTask ProcessorInvoker<in TProcessor, TIn, TOut>(TProcessor processor, IReadOnlyList<TIn> rows, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken)
    where TOut : IMessageContract<TOut>;

/// <summary>
/// What the generator knows about a <see cref="ProcessorAttribute">processor</see>: its name, group, topics,
/// whether its handler takes a batch of rows, and how to call it. Configuration overrides everything but the
/// name, the topics and the handler.
/// </summary>
public sealed record ProcessorDescriptor<TProcessor, TIn, TOut>(
    string Name,
    string GroupId,
    string InputTopic,
    string? OutputTopic,
    bool HandlesBatches,
    ProcessorInvoker<TProcessor, TIn, TOut> Invoke)
    where TOut : IMessageContract<TOut>;
