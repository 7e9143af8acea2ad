namespace Pipelines.Processing;

/// <summary>
/// How a failing processor call is retried before the <see cref="FailurePolicy"/> applies: up to
/// <see cref="ProcessorOptions.MaxRetries"/> more attempts, the first after <see cref="ProcessorOptions.RetryBackoff"/>,
/// each next one twice as late, never more than <see cref="MaxDelay"/>.
/// </summary>
internal sealed class RetryPolicy(int maxRetries, TimeSpan backoff)
{
    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>How many times a failed call is tried again.</summary>
    public int MaxRetries { get; } = maxRetries;

    /// <summary>The wait before retry number <paramref name="attempt"/> + 1 (0 for the first retry).</summary>
    public TimeSpan Delay(int attempt) => TimeSpan.FromTicks(Math.Min(backoff.Ticks << Math.Min(attempt, 20), MaxDelay.Ticks));
}
