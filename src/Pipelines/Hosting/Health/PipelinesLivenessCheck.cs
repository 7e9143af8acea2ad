using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipelines.Processing;

namespace Pipelines.Hosting.Health;

/// <summary>
/// Alive while no processor was stopped by a failure and every running loop goes round. Starting, joining and restoring
/// are alive (a restore can take long and is progress); a processor the host stopped is not a failure.
/// </summary>
internal sealed class PipelinesLivenessCheck(PipelinesStatus status, PipelinesHealthCheckOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        foreach (var processor in status.Processors)
        {
            if (processor.StopReason is { } reason)
            {
                problems.Add($"{processor.Name} stopped: {reason.GetType().Name}: {reason.Message}");
            }
            else if (processor.Phase == ProcessorPhase.Running && processor.SinceLastTurn > options.StallTimeout)
            {
                problems.Add($"{processor.Name} has not gone round its loop for {processor.SinceLastTurn:g} (StallTimeout {options.StallTimeout:g}): a handler call that does not return?");
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{status.Processors.Count} processor(s) alive", HealthData.Of(status))
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: HealthData.Of(status)));
    }
}
