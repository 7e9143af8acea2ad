namespace Pipelines;

/// <summary>Why a processor sees a stream close.</summary>
public enum StreamEnd
{
    /// <summary>Its producer ended it (a <c>pipelines.type: stream-end</c> message).</summary>
    Closed,

    /// <summary>Its producer gave up on it, for example after an error.</summary>
    Aborted,

    /// <summary>No message arrived for it within the processor's <see cref="Processing.ProcessorOptions.StreamIdleTimeout"/>.</summary>
    Idle,

    /// <summary>
    /// This instance no longer reads its partition (a rebalance or shutdown): the stream goes on, read by another
    /// instance or after a restart. Not passed downstream.
    /// </summary>
    Revoked,
}
