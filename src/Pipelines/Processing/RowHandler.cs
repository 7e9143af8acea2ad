namespace Pipelines.Processing;

/// <summary>Handles one input row; returns the output row, or <see langword="null"/> for none.</summary>
public delegate ValueTask<TOut?> RowHandler<TIn, TOut>(TIn row, StreamContext context, CancellationToken cancellationToken);
