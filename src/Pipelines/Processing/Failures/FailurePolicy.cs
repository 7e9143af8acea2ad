namespace Pipelines.Processing;

/// <summary>What a processor does with a message it cannot process: unreadable, or whose handler keeps failing.</summary>
public enum FailurePolicy
{
    /// <summary>Send it, with the reason in headers, to the dead-letter topic; then move on. The default.</summary>
    DeadLetter,

    /// <summary>Log it and move on.</summary>
    Skip,

    /// <summary>Stop the processor with the error; nothing after the message is committed.</summary>
    Stop,
}
