using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.State;

namespace Pipelines.IntegrationTests.Windows;

/// <summary>A generated windowed processor on the embedded broker: what closes, what is late, what survives a restart.</summary>
public sealed class WindowTests : IDisposable
{
    private const long Millisecond = 1_000_000;
    private static readonly string[] Sensors = ["s0", "s1", "s2"];

    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-window-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Each_window_is_written_once_when_its_sensors_time_passes_it_and_late_rows_are_dead_lettered_with_the_reason()
    {
        using var harness = Harness();
        var options = Options(harness);

        // Three seconds of readings per sensor, ten a second; a reading of the first second after the sensor's time has
        // passed it by more than the grace period; then a reading at ten seconds, which closes the rest.
        await harness.Produce(Sensors.SelectMany(sensor => Seconds(sensor, 0, 30)
            .Append(Reading(sensor, 200, 1000))
            .Append(Reading(sensor, 10_000, 0))));

        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, WindowTotal>(options, new SecondTotals()).RunAsync(stop.Token);
        var totals = harness.Read("window-totals", 9).Select(r => MessageSerializer.Deserialize<WindowTotal>(r.Message.Value)).ToList();
        var late = harness.Read("readings.dlq", 3);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(Expected(Sensors, 3), totals.Select(t => (t.Sensor, t.Start, t.End, t.Count, t.Sum)).Order());
        Assert.All(late, message =>
        {
            Assert.Equal("Pipelines.LateRowException", Header(message, DeadLetterHeaders.ExceptionType));
            Assert.Contains("later than the grace period", Header(message, DeadLetterHeaders.ExceptionMessage), StringComparison.Ordinal);
            Assert.Equal(1000, MessageSerializer.Deserialize<Reading>(message.Message.Value).Value);
        });
    }

    [Fact]
    public async Task Windows_open_at_a_restart_are_restored_from_the_changelog_and_each_is_written_exactly_once()
    {
        using var harness = Harness();
        var options = Options(harness);
        await harness.Produce(Sensors.SelectMany(sensor => Seconds(sensor, 0, 16)));

        // The first run sees the first 1.6 s of each sensor: it closes the first second (at 1.5 s) and stops while
        // the second is open, with some rows perhaps not yet handled.
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, WindowTotal>(options, new SecondTotals()).RunAsync(stop.Token);
            harness.Read("window-totals", 3);
            await stop.CancelAsync();
            await run.WithinPatience();
        }

        // The local store is lost: the second run restores the open windows from the changelog alone.
        Directory.Delete(stateDirectory, recursive: true);
        await harness.Produce(Sensors.SelectMany(sensor => Seconds(sensor, 16, 14).Append(Reading(sensor, 10_000, 0))));
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, WindowTotal>(options, new SecondTotals()).RunAsync(stop.Token);
            var totals = harness.Read("window-totals", 9).Select(r => MessageSerializer.Deserialize<WindowTotal>(r.Message.Value)).ToList();
            await stop.CancelAsync();
            await run.WithinPatience();

            Assert.Equal(Expected(Sensors, 3), totals.Select(t => (t.Sensor, t.Start, t.End, t.Count, t.Sum)).Order());
        }

        Assert.Equal(9, harness.EndOf("window-totals"));
    }

    [Fact]
    public async Task A_sensor_that_goes_quiet_has_its_window_closed_by_the_wall_clock_which_a_fake_clock_drives()
    {
        using var harness = Harness();
        var clock = new FakeTimeProvider();
        var options = Options(harness) with { TimeProvider = clock };
        await harness.Produce(Seconds("s0", 0, 5));

        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, WindowTotal>(options, new SecondTotals()).RunAsync(stop.Token);

        var closed = AdvanceUntilWritten(clock, harness.Kafka.BootstrapServers);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.NotNull(closed);
        var total = MessageSerializer.Deserialize<WindowTotal>(closed.Message.Value);
        Assert.Equal(("s0", 0L, 1000 * Millisecond, 5, 0.0 + 1 + 2 + 3 + 4), (total.Sensor, total.Start, total.End, total.Count, total.Sum));
    }

    [Fact]
    public async Task A_TimeProvider_registered_in_the_container_is_a_hosted_processors_clock()
    {
        using var harness = Harness();
        var clock = new FakeTimeProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", harness.Kafka.BootstrapServers), new("Pipelines:StateDirectory", stateDirectory)]);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddProcessor<SecondTotals>(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync().WithinPatience();
        await harness.Produce(Seconds("s0", 0, 5));

        var closed = AdvanceUntilWritten(clock, harness.Kafka.BootstrapServers);
        await host.StopAsync().WithinPatience();

        Assert.NotNull(closed);
        var total = MessageSerializer.Deserialize<WindowTotal>(closed.Message.Value);
        Assert.Equal(("s0", 0L, 1000 * Millisecond, 5), (total.Sensor, total.Start, total.End, total.Count));
    }

    /// <summary>
    /// Moves <paramref name="clock"/> an hour at a time until a window total is written. CloseAfterIdle is an hour: only
    /// the fake clock can get there. Each hour it moves, the processor may or may not have handled the rows yet; once it
    /// has, the next move closes their window.
    /// </summary>
    private static ConsumeResult<Ignore, byte[]>? AdvanceUntilWritten(FakeTimeProvider clock, string bootstrapServers)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "reader", AutoOffsetReset = AutoOffsetReset.Earliest };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Subscribe("window-totals");
        ConsumeResult<Ignore, byte[]>? closed = null;
        var deadline = DateTime.UtcNow + KafkaHarness.Patience;
        while (closed is null && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromHours(1));
            closed = consumer.Consume(TimeSpan.FromMilliseconds(500));
        }

        consumer.Close();
        return closed;
    }

    /// <summary>Readings of <paramref name="sensor"/> every 100 ms from number <paramref name="from"/>, valued by their number.</summary>
    private static IEnumerable<Reading> Seconds(string sensor, int from, int count) =>
        Enumerable.Range(from, count).Select(i => Reading(sensor, i * 100, i));

    private static Reading Reading(string sensor, long milliseconds, double value) => new() { Sensor = sensor, Time = milliseconds * Millisecond, Value = value };

    /// <summary>Each sensor's first <paramref name="seconds"/> seconds: ten readings each, valued 10s to 10s + 9.</summary>
    private static IEnumerable<(string, long, long, int, double)> Expected(string[] sensors, int seconds) =>
        sensors.SelectMany(sensor => Enumerable.Range(0, seconds).Select(s => (sensor, s * 1000 * Millisecond, (s + 1) * 1000 * Millisecond, 10, Enumerable.Range(s * 10, 10).Sum(i => (double)i)))).Order();

    private static string Header(ConsumeResult<string, byte[]> message, string name) => System.Text.Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(name));

    private static KafkaHarness Harness()
    {
        var harness = new KafkaHarness();
        harness.Kafka.CreateTopic("window-totals", 3);
        harness.Kafka.CreateTopic(StateStage.ChangelogTopicOf("second-totals", "windows"), 3);
        return harness;
    }

    private ProcessorOptions Options(KafkaHarness harness) => harness.Options() with
    {
        Name = "SecondTotals",
        GroupId = "second-totals",
        OutputTopic = "window-totals",
        StateDirectory = stateDirectory,
    };
}
