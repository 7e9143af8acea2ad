using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Telemetry;

/// <summary>Every two seconds: rows produced and analyzed per second, insights printed, the lag between the two, and whether every processor is ready.</summary>
internal sealed class ThroughputReporter(HealthCheckService health) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        long produced = 0, analyzed = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var nowProduced = Interlocked.Read(ref SampleCounters.Produced);
                var nowAnalyzed = Interlocked.Read(ref SampleCounters.Analyzed);
                var ready = await health.CheckHealthAsync(check => check.Tags.Contains(PipelinesHealthChecksBuilderExtensions.ReadyTag), stoppingToken);
                Console.WriteLine(
                    $"[throughput] produced {(nowProduced - produced) / Period.TotalSeconds,7:N0} rows/s  analyzed {(nowAnalyzed - analyzed) / Period.TotalSeconds,7:N0} rows/s  " +
                    $"lag {nowProduced - nowAnalyzed,6:N0} rows  insights {Interlocked.Read(ref SampleCounters.Insights):N0}  " +
                    (ready.Status == HealthStatus.Healthy ? "ready" : "not ready: " + ready.Entries[PipelinesHealthChecksBuilderExtensions.ReadinessName].Description));
                (produced, analyzed) = (nowProduced, nowAnalyzed);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
