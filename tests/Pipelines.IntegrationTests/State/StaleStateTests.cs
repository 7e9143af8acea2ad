using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.IntegrationTests.Hosting;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Kafka.Embedded;
using Pipelines.State;

namespace Pipelines.IntegrationTests.State;

/// <summary>
/// State kept on disk that outlived the changelog it was built from (another cluster, a topic recreated or truncated):
/// discarded and rebuilt from the changelog, which is the source of truth, with a warning that names the store.
/// </summary>
public sealed class StaleStateTests : IDisposable
{
    private const string Changelog = "running-tally.state.changelog";

    // One directory for every run of a test, as <temp>/pipelines-state is for every run of an application.
    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-stale-state-tests", Guid.NewGuid().ToString("N"));

    private string StoreDirectory => Path.Combine(stateDirectory, "running-tally", "RunningTally", "0");

    public void Dispose()
    {
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_stateful_host_run_twice_against_two_fresh_brokers_with_one_state_directory_counts_from_scratch_both_times()
    {
        for (var run = 0; run < 2; run++)
        {
            using var kafka = StartBroker();
            var log = new ListLogger();
            var tallies = await RunTally(kafka, log, readings: 10);

            // Five sensors, two readings each: every count starts from this cluster's first reading, not the last run's.
            Assert.Equal([1, 1, 1, 1, 1, 2, 2, 2, 2, 2], tallies.Select(t => t.Count).Order());
            var discarded = log.At(LogLevel.Warning).Where(m => m.Contains("was built from another changelog", StringComparison.Ordinal)).ToList();
            Assert.Equal(run, discarded.Count);
            Assert.All(discarded, m => Assert.Contains(StoreDirectory, m, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_store_of_another_cluster_is_not_restored_on_even_when_that_clusters_changelog_is_longer()
    {
        using (var first = StartBroker())
        {
            await RunTally(first, new ListLogger(), readings: 10);
        }

        // The second cluster's changelog already holds more records than the store reflects, so offsets alone would let
        // the store stand and restore only the tail: the first cluster's counts would leak into this one.
        using var second = StartBroker();
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = second.BootstrapServers }).Build())
        {
            for (var i = 0; i < 50; i++)
            {
                var record = new StateRecord(new RowPosition(i, 0), MessageSerializer.Serialize(new Tally { Count = 1000 })).Encode();
                await producer.ProduceAsync(Changelog, new Message<byte[], byte[]> { Key = "elsewhere"u8.ToArray(), Value = record });
            }
        }

        var log = new ListLogger();
        var tallies = await RunTally(second, log, readings: 5);

        Assert.Equal([1, 1, 1, 1, 1], tallies.Select(t => t.Count));
        Assert.Contains(log.At(LogLevel.Warning), m => m.Contains("was built from another changelog", StringComparison.Ordinal) && m.Contains(StoreDirectory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_store_ahead_of_its_own_changelog_is_discarded_and_rebuilt_with_a_warning_naming_it_and_both_offsets()
    {
        using var kafka = StartBroker();

        // A store of this very changelog (same cluster, same topic) that reflects offsets the changelog no longer holds:
        // what a truncated changelog leaves behind.
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        using (var store = RocksDbStateStore.Open(StoreDirectory))
        {
            store.Bind(Pipelines.Kafka.TopicIdentity.Of(kafka.BootstrapServers, producer.Handle, Changelog, out var unknown) ?? throw new InvalidOperationException(unknown));
            var kept = new StateRecord(new RowPosition(100, 0), MessageSerializer.Serialize(new Tally { Count = 100 })).Encode();
            store.Write([new("sensor-0"u8.ToArray(), kept)], 41);
        }

        var log = new ListLogger();
        var tallies = await RunTally(kafka, log, readings: 5);

        Assert.Equal([1, 1, 1, 1, 1], tallies.Select(t => t.Count));
        var warning = Assert.Single(log.At(LogLevel.Warning), m => m.Contains("discarded and rebuilt", StringComparison.Ordinal));
        Assert.Contains(StoreDirectory, warning, StringComparison.Ordinal);
        Assert.Contains("up to offset 41, but running-tally.state.changelog holds no records", warning, StringComparison.Ordinal);
    }

    private static EmbeddedKafka StartBroker()
    {
        var kafka = EmbeddedKafka.Start();
        foreach (var topic in new[] { "readings", "tallies", "readings.dlq", Changelog })
        {
            kafka.CreateTopic(topic, 1);
        }

        return kafka;
    }

    /// <summary>Runs <see cref="RunningTally"/> over <paramref name="readings"/> readings of five sensors and returns its tallies.</summary>
    private async Task<List<SensorTally>> RunTally(EmbeddedKafka kafka, ListLogger log, int readings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(new ListLoggerProvider(log));
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", kafka.BootstrapServers), new("Pipelines:StateDirectory", stateDirectory)]);
        builder.Services.AddProcessor<RunningTally>(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync().WithinPatience();
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            foreach (var reading in KafkaHarness.Readings(0, readings))
            {
                await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading) });
            }
        }

        var tallies = TopicReader.Read<Ignore>(kafka.BootstrapServers, "tallies", readings).Select(r => MessageSerializer.Deserialize<SensorTally>(r.Message.Value)).ToList();
        await host.StopAsync().WithinPatience();
        return tallies;
    }
}
