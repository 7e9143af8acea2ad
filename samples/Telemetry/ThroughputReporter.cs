using Microsoft.Extensions.Hosting;
using Pipelines.Hosting;
using Pipelines.Processing;

namespace Telemetry;

/// <summary>Every two seconds: rows produced and analyzed per second, insights printed, the lag between the two, and whether every processor is ready.</summary>
/// <remarks>
/// Reads <see cref="PipelinesStatus"/>, what the readiness check reads, rather than running the check: Microsoft's health
/// check service logs every unhealthy result as an error, and processors are not ready while they join at start.
/// </remarks>
internal sealed class ThroughputReporter(PipelinesStatus status) : BackgroundService
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
                var waiting = status.Processors.Where(p => p.Phase != ProcessorPhase.Running).Select(p => $"{p.Name} is {p.Phase.ToString().ToLowerInvariant()}").ToList();
                Console.WriteLine(
                    $"[throughput] produced {(nowProduced - produced) / Period.TotalSeconds,7:N0} rows/s  analyzed {(nowAnalyzed - analyzed) / Period.TotalSeconds,7:N0} rows/s  " +
                    $"lag {nowProduced - nowAnalyzed,6:N0} rows  insights {Interlocked.Read(ref SampleCounters.Insights):N0}  " +
                    (waiting.Count == 0 ? "ready" : "not ready: " + string.Join("; ", waiting)));
                (produced, analyzed) = (nowProduced, nowAnalyzed);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
