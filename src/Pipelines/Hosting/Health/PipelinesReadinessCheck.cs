using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipelines.Processing;

namespace Pipelines.Hosting.Health;

/// <summary>
/// Ready when every processor is running: the group gave it its partitions, their state (if any) is restored, and its
/// lag is within <see cref="PipelinesHealthCheckOptions.MaxLag"/> when that is set. Not ready while starting, joining
/// (also during a hand-over), restoring, or stopped.
/// </summary>
internal sealed class PipelinesReadinessCheck(PipelinesStatus status, PipelinesHealthCheckOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        foreach (var processor in status.Processors)
        {
            if (processor.Phase != ProcessorPhase.Running)
            {
                problems.Add($"{processor.Name} is {processor.Phase.ToString().ToLowerInvariant()}");
            }
            else if (options.MaxLag is { } maxLag && processor.Lag > maxLag)
            {
                problems.Add($"{processor.Name} lags {processor.Lag} messages (MaxLag {maxLag})");
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{status.Processors.Count} processor(s) ready", HealthData.Of(status))
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: HealthData.Of(status)));
    }
}
