namespace Pipelines.Processing;

/// <summary>
/// Where works report that what they belong to (a processor's loop, a topic writer) must stop, and the tag their
/// deliveries are counted under. The first reason wins; reports arrive from the producer's thread as well as the
/// loop's.
/// </summary>
internal sealed class StopLatch(KeyValuePair<string, object?> tag)
{
    private Exception? reason;

    /// <summary>The tag every measurement of the loop or writer carries.</summary>
    public KeyValuePair<string, object?> Tag { get; } = tag;

    /// <summary>Why it must stop (the first reason recorded), or <see langword="null"/>.</summary>
    public Exception? Reason => Volatile.Read(ref reason);

    /// <summary>Records a reason to stop; the first one wins. Any thread.</summary>
    public void Record(Exception exception) => Interlocked.CompareExchange(ref reason, exception, null);
}
