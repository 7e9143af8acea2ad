namespace Pipelines.Processing;

/// <summary>Handles one event of a stream and adds what it produces to <paramref name="outputs"/>.</summary>
public delegate ValueTask StreamEventHandler<TOut>(StreamEvent streamEvent, Outputs<TOut> outputs, StreamContext context, CancellationToken cancellationToken)
    where TOut : IMessageContract<TOut>;

/// <summary>Reacts to a stream opening, or closing (<paramref name="end"/> set), and adds what it produces to <paramref name="outputs"/>.</summary>
public delegate ValueTask StreamChangeHandler<TOut>(StreamInfo stream, StreamEnd? end, Outputs<TOut> outputs, CancellationToken cancellationToken)
    where TOut : IMessageContract<TOut>;

/// <summary>
/// A processor's handlers beside its row handler, each optional: events, and streams opening and closing. A
/// processor without an event handler skips the events on its topic.
/// </summary>
/// <param name="OnEvent">Called for each event, in order with the stream's rows.</param>
/// <param name="OnOpened">Called before the first message of a stream this instance has not seen.</param>
/// <param name="OnClosed">Called when a stream ends, goes idle or is revoked.</param>
public sealed record StreamHandlers<TOut>(StreamEventHandler<TOut>? OnEvent = null, StreamChangeHandler<TOut>? OnOpened = null, StreamChangeHandler<TOut>? OnClosed = null)
    where TOut : IMessageContract<TOut>;
