namespace Pipelines.Hosting.Health;

/// <summary>What the Pipelines health checks accept as live and ready; registered by <c>AddHealthChecks().AddPipelines(…)</c>.</summary>
public sealed class PipelinesHealthCheckOptions
{
    /// <summary>
    /// Readiness fails while a processor's <see cref="Processing.ProcessorStatus.Lag"/> is above this many messages;
    /// <see langword="null"/> (the default) leaves lag out of readiness.
    /// </summary>
    public long? MaxLag { get; set; }

    /// <summary>
    /// Liveness fails when a running processor's loop has not gone round for this long: a handler that never returns,
    /// a deadlock. The loop goes round at least every 100 ms when it is free, so this bounds the longest handler call
    /// (retries and their backoff included) that counts as alive. Two minutes by default; positive.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
