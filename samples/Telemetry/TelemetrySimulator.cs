using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines;
using Pipelines.Hosting;
using Pipelines.Processing;
using Pipelines.Publishing;

namespace Telemetry;

/// <summary>
/// Race cars lapping a short circuit: each sends a row of a dozen parameters RateHz times a second (packed ten rows
/// per message), names its driver and session in its stream's properties, marks each completed lap with an event,
/// sends its setup sheet once at the start, and reports each pit stop on a topic of its own; a pit-wall service (a bare
/// Kafka producer writing JSON text, as any other program would) posts a note for each stop.
/// </summary>
internal sealed class TelemetrySimulator(KafkaConnection kafka, IConfiguration configuration, ILogger<TelemetrySimulator> log) : BackgroundService
{
    private static readonly TimeSpan Lap = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PitTime = TimeSpan.FromSeconds(3);
    private static readonly string[] Drivers = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cars = configuration.GetValue("Simulation:Cars", 8);
        var rateHz = configuration.GetValue("Simulation:RateHz", 100);
        // The settings table and the pit stops are read beside the telemetry, key by key: they need its partition count.
        await kafka.EnsureTopicsAsync(["car-telemetry", "car-setups", "pit-notes"], stoppingToken);
        await kafka.EnsureCopartitionedTopicsAsync("car-telemetry", ["car-settings", "pit-stops"], stoppingToken);
        using var settings = new TopicWriter<CarSettings>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers }, log);
        using var stops = new TopicWriter<PitStop>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers, LowLatency = true, SchemaRegistry = kafka.SchemaRegistry }, log);
        using var telemetry = new TopicWriter<CarTelemetry>(new TopicWriterOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            Buffer = new BufferOptions { MaxRows = 10, Timeout = TimeSpan.FromMilliseconds(50) },
        }, log);
        using var pitWall = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Partitioner = Partitioner.Murmur2Random, LingerMs = 5 }).Build();
        log.LogInformation("Simulating {Cars} cars at {Rate} Hz ({Total} rows/s)", cars, rateHz, cars * rateHz);

        var random = new Random(42);
        var started = DateTimeOffset.UtcNow;

        // Staggered so that every car completes its first lap within a few seconds of the start.
        var field = Enumerable.Range(0, cars).Select(i => new Car($"car-{i + 1:00}", Drivers[i % Drivers.Length], 0.9 + (i * 0.01))).ToArray();
        foreach (var car in field)
        {
            telemetry.SetProperties(car.Id, new StreamProperties
            {
                Name = $"{car.Id} driven by {car.Driver}",
                Metadata = new Dictionary<string, string> { ["driver"] = car.Driver, ["session"] = "qualifying" },
            });
        }

        SendSetupSheets(field, started);
        foreach (var car in field)
        {
            settings.Write(new CarSettings { CarId = car.Id, Wing = 7, BrakeBias = 56 });
        }

        var interval = TimeSpan.FromSeconds(1.0 / rateHz);
        long tick = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (await WaitAsync(timer, stoppingToken))
        {
            // Catch up to wall time, so the rate holds even when a timer tick is late.
            var due = (long)((DateTimeOffset.UtcNow - started) / interval);
            for (; tick < due; tick++)
            {
                var time = started + (interval * tick);
                var written = 0;
                foreach (var car in field)
                {
                    var row = car.Sample(time, time - started, random, out var lapCompleted);
                    if (lapCompleted is { } lap)
                    {
                        if (lap % 2 == 1)
                        {
                            // Into the pits after an odd lap: the crew changes the wing, which the analyzer's table picks up.
                            settings.Write(new CarSettings { CarId = car.Id, Wing = 7 + ((lap / 2) % 3), BrakeBias = 56 });
                            stops.Write(new PitStop { Time = time, CarId = car.Id, Lap = lap, Seconds = PitTime.TotalSeconds });
                            pitWall.Produce("pit-notes", new Message<string, string> { Key = car.Id, Value = $$"""{"car":"{{car.Id}}","note":"box this lap: wing to {{7 + ((lap / 2) % 3)}}","lap":{{lap}}}""" });
                        }

                        telemetry.WriteEvent(car.Id, new StreamEvent { Timestamp = UnixNanoseconds.FromDateTimeOffset(time), Id = "lap-completed", Value = lap.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    }

                    // In the pit box, the car sends nothing.
                    if (row is not null)
                    {
                        telemetry.Write(row);
                        written++;
                    }
                }

                Interlocked.Add(ref SampleCounters.Produced, written);
            }
        }
    }

    /// <summary>One setup sheet per car, 1.5 MB: above the 1 MB a Kafka message may hold, so it travels in chunks.</summary>
    private void SendSetupSheets(Car[] field, DateTimeOffset time)
    {
        using var setups = new TopicWriter<CarSetup>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers }, log);
        foreach (var car in field)
        {
            var sheet = new byte[1_500_000];
            System.Text.Encoding.ASCII.GetBytes($"setup of {car.Id}: wing 7, ride height 32 mm, brake bias 56 %\n").CopyTo(sheet, 0);
            setups.Write(new CarSetup { Time = time, CarId = car.Id, Sheet = sheet });
        }
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

    /// <summary>A car going round the circuit: straights, braking zones, a little noise, and a pit stop after every odd lap.</summary>
    private sealed class Car(string id, string driver, double offset)
    {
        private double brakeTemp = 450;
        private double fuel = 110;
        private double lastPhase = -1;
        private int laps;
        private DateTimeOffset pitExit;

        public string Id => id;

        public string Driver => driver;

        /// <summary>The car's row at <paramref name="time"/>, or <see langword="null"/> while it is in the pit box.</summary>
        public CarTelemetry? Sample(DateTimeOffset time, TimeSpan elapsed, Random random, out int? lapCompleted)
        {
            var phase = ((elapsed / Lap) + offset) % 1.0;
            lapCompleted = lastPhase >= 0 && phase < lastPhase ? ++laps : null;
            lastPhase = phase;
            if (lapCompleted % 2 == 1)
            {
                pitExit = time + PitTime;
            }

            if (time < pitExit)
            {
                return null;
            }

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
