using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipelines.Processing;

namespace Pipelines.Hosting.Health;

/// <summary>
/// One of the Pipelines health checks: healthy when <paramref name="problem"/> finds nothing wrong with any processor,
/// otherwise the registration's failure status with every problem in the description. Every report carries each
/// processor's status line as data.
/// </summary>
internal sealed class PipelinesHealthCheck(PipelinesStatus status, Func<ProcessorStatus, string?> problem, string healthy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var processors = status.Processors;
        var problems = processors.Select(problem).OfType<string>().ToList();
        var data = processors.ToDictionary(p => p.Name, p => (object)p.ToString(), StringComparer.Ordinal);
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{processors.Count} processor(s) {healthy}", data)
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: data));
    }

    /// <summary>
    /// Liveness: a processor stopped by a failure, or a running loop that has not gone round for the stall timeout, is a
    /// problem. Starting, joining and restoring are alive (a restore can take long and is progress); a processor the host
    /// stopped is not a failure.
    /// </summary>
    public static string? NotAlive(ProcessorStatus processor, PipelinesHealthCheckOptions options) =>
        processor.StopReason is { } reason ? $"{processor.Name} stopped: {reason.GetType().Name}: {reason.Message}"
        : processor.Phase == ProcessorPhase.Running && processor.SinceLastTurn > options.StallTimeout
            ? $"{processor.Name} has not gone round its loop for {processor.SinceLastTurn:g} (StallTimeout {options.StallTimeout:g}): a handler call that does not return?"
            : null;

    /// <summary>
    /// Readiness: every processor running (its partitions given, its state restored, its tables loaded), with its lag
    /// within <see cref="PipelinesHealthCheckOptions.MaxLag"/> when that is set.
    /// </summary>
    public static string? NotReady(ProcessorStatus processor, PipelinesHealthCheckOptions options) =>
        processor.Phase == ProcessorPhase.Restoring && processor.RecordsToRestore > 0 ? $"{processor.Name} is restoring ({processor.RestoredRecords} of {processor.RecordsToRestore} changelog records)"
        : processor.Phase != ProcessorPhase.Running ? $"{processor.Name} is {processor.Phase.ToString().ToLowerInvariant()}"
        : options.MaxLag is { } maxLag && processor.Lag > maxLag ? $"{processor.Name} lags {processor.Lag} messages (MaxLag {maxLag})"
        : null;
}
