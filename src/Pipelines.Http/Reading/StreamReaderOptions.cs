namespace Pipelines.Http;

/// <summary>How the feed of <see cref="StreamReaderEndpoints.MapStreamReader{T}"/> serves its clients.</summary>
public sealed record StreamReaderOptions
{
    /// <summary>
    /// Messages a client may have waiting to be sent (1,000 by default): a client that falls this far behind is sent a
    /// final <c>dropped</c> event and disconnected, so one slow client never slows the others or grows the server's memory.
    /// It reconnects with <c>Last-Event-ID</c> and reads on from where it was.
    /// </summary>
    public int MaxQueuedMessages { get; init; } = 1_000;

    /// <summary>How long a quiet feed waits before sending a comment that keeps proxies from closing it (15 s by default).</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Throws with the name of the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedMessages, 1, nameof(MaxQueuedMessages));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAlive, TimeSpan.Zero, nameof(KeepAlive));
    }
}
