namespace Pipelines.Processing;

/// <summary>
/// How a failing processor call is retried before the <see cref="FailurePolicy"/> applies: up to
/// <see cref="ProcessorOptions.MaxRetries"/> more attempts, the first after <see cref="ProcessorOptions.RetryBackoff"/>,
/// each next one twice as late, never more than <see cref="MaxDelay"/>. Failures that are the row's own
/// (<see cref="LateRowException"/>, <see cref="MessageFormatException"/>) are not retried.
/// </summary>
internal sealed class RetryPolicy(int maxRetries, TimeSpan backoff)
{
    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>How many times a failed call is tried again.</summary>
    public int MaxRetries { get; } = maxRetries;

    /// <summary>The wait before retry number <paramref name="attempt"/> + 1 (0 for the first retry).</summary>
    public TimeSpan Delay(int attempt) => TimeSpan.FromTicks(Math.Min(backoff.Ticks << Math.Min(attempt, 20), MaxDelay.Ticks));

    /// <summary>
    /// Calls <paramref name="call"/> until it succeeds or every retry has failed, waiting <see cref="Delay"/> between
    /// attempts; returns the failure that outlasted the retries, or <see langword="null"/>. Before each wait,
    /// <paramref name="retrying"/> hears the failure, the attempt that failed (1-based) and the wait. A stop requested
    /// meanwhile (a cancellation of <paramref name="stoppingToken"/>) ends the wait and propagates, never retried.
    /// </summary>
    public async ValueTask<Exception?> CallAsync(Func<CancellationToken, ValueTask> call, Action<Exception, int, TimeSpan> retrying, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await call(stoppingToken);
                return null;
            }
            catch (Exception exception) when (!(exception is OperationCanceledException && stoppingToken.IsCancellationRequested))
            {
                // A late row stays late, and a row that cannot be read stays unreadable: trying again cannot help.
                if (attempt >= MaxRetries || exception is LateRowException or MessageFormatException)
                {
                    return exception;
                }

                var delay = Delay(attempt);
                retrying(exception, attempt + 1, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }
}
