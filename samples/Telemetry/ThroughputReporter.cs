using Microsoft.Extensions.Hosting;

namespace Telemetry;

/// <summary>Every two seconds: rows produced and analyzed per second, insights printed, and the lag between the two.</summary>
internal sealed class ThroughputReporter : BackgroundService
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
                Console.WriteLine(
                    $"[throughput] produced {(nowProduced - produced) / Period.TotalSeconds,7:N0} rows/s  analyzed {(nowAnalyzed - analyzed) / Period.TotalSeconds,7:N0} rows/s  " +
                    $"lag {nowProduced - nowAnalyzed,6:N0} rows  insights {Interlocked.Read(ref SampleCounters.Insights):N0}");
                (produced, analyzed) = (nowProduced, nowAnalyzed);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
