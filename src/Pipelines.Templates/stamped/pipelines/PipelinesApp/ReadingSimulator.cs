using Microsoft.Extensions.Hosting;
using Pipelines.Hosting;
using Pipelines.Publishing;

namespace PipelinesApp;

/// <summary>
/// Writes made-up readings for three sensors, ten a second, so the app shows something on the embedded broker.
/// Program.cs runs it only when no cluster is configured; delete it once devices write sensor-readings.
/// </summary>
internal sealed class ReadingSimulator(KafkaConnection kafka) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var writer = new TopicWriter<SensorReading>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers });
        var random = new Random(7);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var sensor in new[] { "boiler", "oven", "server-room" })
                {
                    writer.Write(new SensorReading { Time = DateTime.UtcNow, Sensor = sensor, Temperature = 60 + random.NextDouble() * 40 });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping; Dispose flushes what was written.
        }
    }
}
