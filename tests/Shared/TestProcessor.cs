using Pipelines.Processing;

namespace Pipelines.Testing;

/// <summary>
/// A processor made of delegates, for tests and benchmarks that drive a <see cref="ProcessorRunner{TIn, TOut}"/>
/// without a generated class. Its features are the delegates it was given.
/// </summary>
internal sealed record TestProcessor<TIn, TOut> : IProcessor<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    /// <summary>Handles one row, returning one output or none.</summary>
    public Func<TIn, StreamContext, CancellationToken, ValueTask<TOut?>>? Row { get; init; }

    /// <summary>Handles rows of one stream per call, adding outputs.</summary>
    public Func<IReadOnlyList<TIn>, Outputs<TOut>, StreamContext, CancellationToken, ValueTask>? Rows { get; init; }

    public Func<StreamEvent, Outputs<TOut>, StreamContext, CancellationToken, ValueTask>? Event { get; init; }

    public Func<StreamInfo, Outputs<TOut>, CancellationToken, ValueTask>? Opened { get; init; }

    public Func<StreamInfo, StreamEnd, Outputs<TOut>, CancellationToken, ValueTask>? Closed { get; init; }

    public Func<TIn, bool>? Filter { get; init; }

    public Func<IReadOnlyList<TIn>, bool>? FlushWhen { get; init; }

    /// <summary>The keyed state its row handler reads with <c>context.State&lt;T&gt;()</c>.</summary>
    public StateDefinition? State { get; init; }

    /// <summary>The tables its row handler reads with <c>context.Table&lt;T&gt;(i)</c> or <c>context.GlobalTable&lt;T&gt;(i)</c>.</summary>
    public IReadOnlyList<TableDefinition> Tables { get; init; } = [];

    public ProcessorFeatures Features =>
        (Row is null ? 0 : ProcessorFeatures.Rows) | (Rows is null ? 0 : ProcessorFeatures.Batches) | (Event is null ? 0 : ProcessorFeatures.Events)
        | (Opened is null ? 0 : ProcessorFeatures.StreamOpened) | (Closed is null ? 0 : ProcessorFeatures.StreamClosed)
        | (Filter is null ? 0 : ProcessorFeatures.Filter) | (FlushWhen is null ? 0 : ProcessorFeatures.FlushWhen);

    public ValueTask HandleAsync(TIn row, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken) =>
        outputs.Add(Row!(row, context, cancellationToken));

    public ValueTask HandleAsync(IReadOnlyList<TIn> rows, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken) =>
        Rows!(rows, outputs, context, cancellationToken);

    public ValueTask HandleEventAsync(StreamEvent streamEvent, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken) =>
        Event!(streamEvent, outputs, context, cancellationToken);

    public ValueTask OnStreamOpenedAsync(StreamInfo stream, Outputs<TOut> outputs, CancellationToken cancellationToken) =>
        Opened!(stream, outputs, cancellationToken);

    public ValueTask OnStreamClosedAsync(StreamInfo stream, StreamEnd end, Outputs<TOut> outputs, CancellationToken cancellationToken) =>
        Closed!(stream, end, outputs, cancellationToken);

    public bool Admit(TIn row) => Filter!(row);

    public bool ShouldFlush(IReadOnlyList<TIn> rows) => FlushWhen!(rows);
}

/// <summary>Shorthands for a <see cref="TestProcessor{TIn, TOut}"/> of one handler.</summary>
internal static class TestProcessor
{
    /// <summary>A processor that handles one row per call.</summary>
    public static TestProcessor<TIn, TOut> Rows<TIn, TOut>(Func<TIn, StreamContext, CancellationToken, ValueTask<TOut?>> handle)
        where TIn : IMessageContract<TIn>
        where TOut : IMessageContract<TOut> => new() { Row = handle };

    /// <summary>A processor that handles one stream's rows per call.</summary>
    public static TestProcessor<TIn, TOut> Batches<TIn, TOut>(Func<IReadOnlyList<TIn>, Outputs<TOut>, StreamContext, CancellationToken, ValueTask> handle)
        where TIn : IMessageContract<TIn>
        where TOut : IMessageContract<TOut> => new() { Rows = handle };
}
