namespace Pipelines.Processing;

/// <summary>
/// Where works report that what they belong to (a processor's loop, a topic writer) must stop, or that some of its work
/// failed and must be done again; and the tag their deliveries are counted under. Reports arrive from the producer's
/// thread as well as the loop's.
/// </summary>
internal sealed class StopLatch(KeyValuePair<string, object?> tag)
{
    private Exception? reason;
    private Exception? replay;

    /// <summary>The tag every measurement of the loop or writer carries.</summary>
    public KeyValuePair<string, object?> Tag { get; } = tag;

    /// <summary>Why it must stop (the first reason recorded), or <see langword="null"/>.</summary>
    public Exception? Reason => Volatile.Read(ref reason);

    /// <summary>Records a reason to stop; the first one wins. Any thread.</summary>
    public void Record(Exception exception) => Interlocked.CompareExchange(ref reason, exception, null);

    /// <summary>Records that a work failed and must be done again (<see cref="Work.MustReplay"/>); the first since the last take wins. Any thread.</summary>
    public void Replay(Exception exception) => Interlocked.CompareExchange(ref replay, exception, null);

    /// <summary>Whether a failure was recorded since the last <see cref="TakeReplay"/>.</summary>
    public bool HasReplay => Volatile.Read(ref replay) is not null;

    /// <summary>The first failure recorded since the last call, or <see langword="null"/>; works that fail meanwhile record anew.</summary>
    public Exception? TakeReplay() => Interlocked.Exchange(ref replay, null);
}
