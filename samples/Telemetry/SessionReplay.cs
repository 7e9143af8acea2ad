using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;
using Pipelines.Processing;
using Pipelines.Publishing;
using Pipelines.Sources;

namespace Telemetry;

/// <summary>
/// Instead of the simulator (--replay &lt;path&gt;): a recorded session's telemetry (the Parquet files --record wrote, or
/// a CSV file) written back onto car-telemetry, for the processors to analyze again, with a progress bar.
/// --pace timestamps keeps the recorded pace (--speed 4: four times faster); as fast as possible otherwise.
/// </summary>
internal sealed class SessionReplay(KafkaConnection kafka, IConfiguration configuration, ILogger<SessionReplay> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = new ReplayOptions
        {
            Pace = string.Equals(configuration["pace"], "timestamps", StringComparison.OrdinalIgnoreCase) ? ReplayPace.Timestamps : ReplayPace.AsFastAsPossible,
            Speed = double.Parse(configuration["speed"] ?? "1", CultureInfo.InvariantCulture),

            // Recorded rows stamped as now: the ten-second windows and stints see live data, not last week's.
            ShiftTimestamps = true,
            OnBadRow = ReplayBadRow.Skip,
            Logger = log,
        };
        var source = new ReplaySource<CarTelemetry>(configuration["replay"]!, options);
        await kafka.EnsureTopicsAsync(["car-telemetry"], stoppingToken);
        await kafka.EnsureCopartitionedTopicsAsync("car-telemetry", ["car-settings", "pit-stops"], stoppingToken);
        using var telemetry = new TopicWriter<CarTelemetry>(new TopicWriterOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            Buffer = new BufferOptions { MaxRows = 10, Timeout = TimeSpan.FromMilliseconds(50) },
        }, log);
        log.LogInformation("Replaying {Files} file(s) of {Path} onto car-telemetry, {Pace}", source.Files.Count, configuration["replay"], options.Pace == ReplayPace.Timestamps ? $"at {options.Speed}x the recorded pace" : "as fast as possible");
        await source.ForEachAsync(
            row =>
            {
                telemetry.Write(row);
                Interlocked.Increment(ref SampleCounters.Produced);
            },
            ReplayProgressBar.OnConsole(),
            stoppingToken);
        telemetry.Flush();
    }
}
