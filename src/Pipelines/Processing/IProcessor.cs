using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Processing;
using Pipelines.Hosting;

namespace Pipelines.Infrastructure;

/// <summary>
/// A processor as the runner calls it. The generator implements this on every <c>[Processor]</c> class, adapting
/// the class's own <c>Handle</c>, <c>OnStreamOpened</c>, <c>OnStreamClosed</c> and buffer hooks, whatever their
/// shapes; <see cref="Features"/> says which members exist, and the runner calls no other. Every call adds what the
/// processor produces to <c>outputs</c>; rows, lists and the context are reused after a call returns.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <typeparam name="TIn">The input contract.</typeparam>
/// <typeparam name="TOut">The output contract (<see cref="NoOutput"/> for a sink).</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IProcessor<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    /// <summary>Which of the members below the processor implements.</summary>
    ProcessorFeatures Features { get; }

    /// <summary>The keyed state its row handler uses (see <see cref="StreamContext.State{T}"/>), or <see langword="null"/>.</summary>
    StateDefinition? State => null;

    /// <summary>The tables its row handler reads (see <see cref="StreamContext.Table{T}"/>), in the order of its parameters.</summary>
    IReadOnlyList<TableDefinition> Tables => [];

    /// <summary>Handles one row (<see cref="ProcessorFeatures.Rows"/>).</summary>
    ValueTask HandleAsync(TIn row, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken) =>
        throw Unsupported(ProcessorFeatures.Rows);

    /// <summary>Handles rows of one partition and stream key, in order (<see cref="ProcessorFeatures.Batches"/>).</summary>
    ValueTask HandleAsync(IReadOnlyList<TIn> rows, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken) =>
        throw Unsupported(ProcessorFeatures.Batches);

    /// <summary>Handles one event, in order with its stream's rows (<see cref="ProcessorFeatures.Events"/>).</summary>
    ValueTask HandleEventAsync(StreamEvent streamEvent, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken) =>
        throw Unsupported(ProcessorFeatures.Events);

    /// <summary>Reacts to a stream this instance has not seen, before its first message (<see cref="ProcessorFeatures.StreamOpened"/>).</summary>
    ValueTask OnStreamOpenedAsync(StreamInfo stream, Outputs<TOut> outputs, CancellationToken cancellationToken) =>
        throw Unsupported(ProcessorFeatures.StreamOpened);

    /// <summary>Reacts to a stream that ended, went idle or was revoked (<see cref="ProcessorFeatures.StreamClosed"/>).</summary>
    ValueTask OnStreamClosedAsync(StreamInfo stream, StreamEnd end, Outputs<TOut> outputs, CancellationToken cancellationToken) =>
        throw Unsupported(ProcessorFeatures.StreamClosed);

    /// <summary>Whether a row enters the input buffer; a row it rejects counts as done (<see cref="ProcessorFeatures.Filter"/>).</summary>
    bool Admit(TIn row) => throw Unsupported(ProcessorFeatures.Filter);

    /// <summary>Asked after each row enters, with the stream's buffered rows; true flushes them (<see cref="ProcessorFeatures.FlushWhen"/>).</summary>
    bool ShouldFlush(IReadOnlyList<TIn> rows) => throw Unsupported(ProcessorFeatures.FlushWhen);

    private NotSupportedException Unsupported(ProcessorFeatures feature) =>
        new($"{GetType().FullName} was called for {feature}, which its Features ({Features}) do not include.");
}

/// <summary>
/// A processor that can register itself: what <see cref="Microsoft.Extensions.DependencyInjection.ProcessorServiceCollectionExtensions.AddProcessor{TProcessor}"/>
/// calls, so that one type argument registers any processor, whatever its input (one contract, several, a join's two).
/// Every <see cref="IProcessor{TSelf, TIn, TOut}"/> implements it.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <typeparam name="TSelf">The processor type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IProcessor<TSelf>
    where TSelf : class, IProcessor<TSelf>
{
    /// <summary>Registers the processor as a hosted service, with the shared settings and Kafka connection.</summary>
    static abstract void Register(IServiceCollection services, IConfiguration configuration);
}

/// <summary>
/// A processor with what the host needs before it has an instance: its name, group, topics and compiled-in
/// settings. The generator implements this on every <c>[Processor]</c> class; a processor written by hand
/// implements it to be registered with <see cref="Microsoft.Extensions.DependencyInjection.ProcessorServiceCollectionExtensions.AddProcessor{TProcessor}"/>.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <typeparam name="TSelf">The processor type.</typeparam>
/// <typeparam name="TIn">The input contract.</typeparam>
/// <typeparam name="TOut">The output contract (<see cref="NoOutput"/> for a sink).</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IProcessor<TSelf, TIn, TOut> : IProcessor<TIn, TOut>, IProcessor<TSelf>
    where TSelf : class, IProcessor<TSelf, TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    static void IProcessor<TSelf>.Register(IServiceCollection services, IConfiguration configuration) => services.AddProcessor<TSelf, TIn, TOut>(configuration);

    /// <summary>The processor's name, group, topics, features and compiled-in settings.</summary>
    static abstract ProcessorDescriptor PipelinesDescriptor { get; }

    ProcessorFeatures IProcessor<TIn, TOut>.Features => TSelf.PipelinesDescriptor.Features;

    IReadOnlyList<TableDefinition> IProcessor<TIn, TOut>.Tables => TSelf.PipelinesDescriptor.Tables ?? [];
}
