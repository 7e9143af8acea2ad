using Pipelines.Processing;

namespace Pipelines.Hosting;

/// <summary>Calls a processor's handler for one row.</summary>
public delegate ValueTask<TOut?> ProcessorInvoker<in TProcessor, TIn, TOut>(TProcessor processor, TIn row, StreamContext context, CancellationToken cancellationToken);

/// <summary>
/// What the generator knows about a <see cref="ProcessorAttribute">processor</see>: its name, group, topics and
/// how to call its handler. Configuration overrides everything but the name and the topics.
/// </summary>
public sealed record ProcessorDescriptor<TProcessor, TIn, TOut>(
    string Name,
    string GroupId,
    string InputTopic,
    string? OutputTopic,
    ProcessorInvoker<TProcessor, TIn, TOut> Invoke);
