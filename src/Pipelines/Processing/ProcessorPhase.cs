namespace Pipelines.Processing;

/// <summary>Where a running processor is in its life, as <see cref="ProcessorStatus.Phase"/> reports it.</summary>
public enum ProcessorPhase
{
    /// <summary>Created; creating its topics and its clients.</summary>
    Starting,

    /// <summary>Subscribed and waiting for the consumer group to give it partitions (at start, and again at every hand-over).</summary>
    Joining,

    /// <summary>Given partitions, and reading their state back from the changelog before it handles a row.</summary>
    Restoring,

    /// <summary>Handling rows of the partitions it was given (none, when the group has more members than partitions).</summary>
    Running,

    /// <summary>Its loop ended: the host stopped it, or <see cref="ProcessorStatus.StopReason"/> did.</summary>
    Stopped,
}
