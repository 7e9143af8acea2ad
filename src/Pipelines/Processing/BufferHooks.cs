namespace Pipelines.Processing;

/// <summary>
/// A processor's input buffer hooks (see <see cref="BufferAttribute.Filter"/> and <see cref="BufferAttribute.FlushWhen"/>),
/// bound to its instance. They take effect only while the processor has an input buffer.
/// </summary>
/// <param name="Filter">Whether a row enters the buffer; a row it rejects counts as done.</param>
/// <param name="FlushWhen">Asked after each row enters with the stream's buffered rows; true flushes them.</param>
public sealed record BufferHooks<TIn>(Func<TIn, bool>? Filter, Func<IReadOnlyList<TIn>, bool>? FlushWhen);
