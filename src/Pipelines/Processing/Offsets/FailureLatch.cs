namespace Pipelines.Processing;

/// <summary>
/// Where works report: the first failure, which stops their owner (a processor's loop, a topic writer), and the
/// tag their deliveries are counted under. Failures arrive from the producer's thread as well as the owner's.
/// </summary>
internal sealed class FailureLatch(KeyValuePair<string, object?> tag)
{
    private Exception? first;

    /// <summary>The tag every measurement of the owner carries.</summary>
    public KeyValuePair<string, object?> Tag { get; } = tag;

    /// <summary>The first failure recorded, or <see langword="null"/>.</summary>
    public Exception? First => Volatile.Read(ref first);

    /// <summary>Records a failure; the first one wins. Any thread.</summary>
    public void Record(Exception exception) => Interlocked.CompareExchange(ref first, exception, null);
}
