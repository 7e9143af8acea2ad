namespace Pipelines.Processing;

/// <summary>Handles one input row; returns the output row, or <see langword="null"/> for none.</summary>
public delegate ValueTask<TOut?> RowHandler<TIn, TOut>(TIn row, StreamContext context, CancellationToken cancellationToken);

/// <summary>
/// Handles the rows of one call (a single row, or a batch of one stream's rows) and adds what it produces to
/// <paramref name="outputs"/>. The list and the context are reused after the call returns.
/// </summary>
public delegate ValueTask ProcessorHandler<TIn, TOut>(IReadOnlyList<TIn> rows, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken)
    where TOut : IMessageContract<TOut>;
