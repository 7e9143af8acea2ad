using System.Threading.Channels;

namespace Pipelines.Http;

/// <summary>
/// One client of a feed: the frames it wants, queued up to a bound. A client that falls behind by more than the bound
/// is dropped rather than waited for: the feed never blocks on it, and its memory never grows past the bound.
/// </summary>
internal sealed class FeedSubscription(Func<FeedFrame, bool> wants, int capacity)
{
    private readonly Channel<FeedFrame> frames = Channel.CreateBounded<FeedFrame>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Why the client was dropped, once it was.</summary>
    public string? Dropped { get; private set; }

    public ChannelReader<FeedFrame> Frames => frames.Reader;

    /// <summary>Queues <paramref name="frame"/> if the client wants it; drops the client if it has no room. The feed's thread only.</summary>
    public void Offer(FeedFrame frame)
    {
        if (Dropped is null && wants(frame) && !frames.Writer.TryWrite(frame))
        {
            Dropped = $"the client fell {capacity:N0} messages behind the feed; reconnect with Last-Event-ID to read on from the last one received";
            frames.Writer.TryComplete();
        }
    }

    /// <summary>Ends the subscription (the client left, or the feed stopped).</summary>
    public void Close() => frames.Writer.TryComplete();
}
