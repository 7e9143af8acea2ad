using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines;
using Pipelines.Hosting;

namespace Telemetry;

/// <summary>Race cars lapping a circuit: each sends a row of a dozen parameters RateHz times a second.</summary>
internal sealed class TelemetrySimulator(KafkaConnection kafka, IConfiguration configuration, ILogger<TelemetrySimulator> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cars = configuration.GetValue("Simulation:Cars", 8);
        var rateHz = configuration.GetValue("Simulation:RateHz", 100);
        await kafka.EnsureTopicsAsync(["car-telemetry"], stoppingToken);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        log.LogInformation("Simulating {Cars} cars at {Rate} Hz ({Total} rows/s)", cars, rateHz, cars * rateHz);

        var random = new Random(42);
        var laps = Enumerable.Range(1, cars).Select(i => new Car($"car-{i:00}", random.NextDouble())).ToArray();
        var interval = TimeSpan.FromSeconds(1.0 / rateHz);
        var started = DateTimeOffset.UtcNow;
        long tick = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (await WaitAsync(timer, stoppingToken))
        {
            // Catch up to wall time, so the rate holds even when a timer tick is late.
            var due = (long)((DateTimeOffset.UtcNow - started) / interval);
            for (; tick < due; tick++)
            {
                var time = started + (interval * tick);
                foreach (var car in laps)
                {
                    var row = car.Sample(time, random);
                    producer.Produce("car-telemetry", new Message<string, byte[]> { Key = row.CarId, Value = MessageSerializer.Serialize(row) });
                }

                Interlocked.Add(ref SampleCounters.Produced, laps.Length);
            }
        }

        producer.Flush(TimeSpan.FromSeconds(5));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A car going round a 90-second lap: straights, braking zones, a little noise.</summary>
    private sealed class Car(string id, double offset)
    {
        private double brakeTemp = 450;
        private double fuel = 110;

        public CarTelemetry Sample(DateTimeOffset time, Random random)
        {
            var phase = ((time.ToUnixTimeMilliseconds() / 90_000.0) + offset) % 1.0;
            var braking = Math.Sin(phase * Math.PI * 14) > 0.82;
            var speed = braking ? 120 + (random.NextDouble() * 40) : 280 + (random.NextDouble() * 40);
            brakeTemp += braking ? 9 + (random.NextDouble() * 4) : -2.5;
            brakeTemp = Math.Clamp(brakeTemp, 300, 1100);
            fuel = Math.Max(0, fuel - 0.0004);
            return new CarTelemetry
            {
                Time = time,
                CarId = id,
                Speed = speed,
                Rpm = (int)(9000 + (speed * 12)),
                Gear = Math.Clamp((int)(speed / 45) + 1, 1, 8),
                Throttle = braking ? 0 : 0.9 + (random.NextDouble() * 0.1),
                Brake = braking ? 0.8 + (random.NextDouble() * 0.2) : 0,
                Steering = Math.Sin(phase * Math.PI * 20) * 0.3,
                BrakeTemp = brakeTemp,
                OilTemp = 105 + (random.NextDouble() * 3),
                WaterTemp = 92 + (random.NextDouble() * 2),
                FuelLeft = fuel,
                TyrePressure = 22.5 + (random.NextDouble() * 0.3),
                Drs = !braking && phase % 0.25 < 0.05,
            };
        }
    }
}
