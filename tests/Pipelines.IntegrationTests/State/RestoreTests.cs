using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Infrastructure;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;
using Pipelines.State;

namespace Pipelines.IntegrationTests.State;

/// <summary>A restore that stopped part way (the process died mid-restore) goes on from where its store got to.</summary>
public sealed class RestoreTests : IDisposable
{
    private const int Records = 25_000;
    private const int Keys = 1_000;

    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "pipelines-restore-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public void A_restore_cut_short_after_its_first_batch_resumes_there_and_ends_with_the_whole_changelogs_state()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("tally.state.changelog", 1);
        var changelog = Enumerable.Range(0, Records)
            .Select(i => new KeyValuePair<byte[], byte[]>(System.Text.Encoding.UTF8.GetBytes($"sensor-{i % Keys}"), new StateRecord(new RowPosition(i, 0), MessageSerializer.Serialize(new Tally { Count = i })).Encode()))
            .ToList();
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build())
        {
            foreach (var (key, value) in changelog)
            {
                producer.Produce("tally.state.changelog", new Message<byte[], byte[]> { Key = key, Value = value });
            }

            producer.Flush(KafkaHarness.Patience);
        }

        // What a restore leaves when the process dies after its first batch of 10,000 records: those records, and the
        // changelog offset they reach, written together.
        var options = new ProcessorOptions { Name = "tally", GroupId = "tally", InputTopic = "readings", BootstrapServers = kafka.BootstrapServers, StateDirectory = stateDirectory };
        var path = Path.Combine(stateDirectory, "tally", "tally", "0");
        using (var cut = RocksDbStateStore.Open(path))
        {
            cut.Write(changelog.Take(10_000).Select(r => new KeyValuePair<byte[], byte[]?>(r.Key, r.Value)).ToList(), 9_999);
        }

        var logs = new ListLogger();
        using var producerForStage = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        using (var stage = new StateStage(options, StateDefinition.Of<Tally>("state").CreateTable(new object(), options), producerForStage, logs, new("pipelines.processor", "tally")))
        {
            stage.Assign([0]);
        }

        Assert.Contains(logs.At(Microsoft.Extensions.Logging.LogLevel.Debug), m => m.Contains(": 15000 changelog records", StringComparison.Ordinal));
        using var store = RocksDbStateStore.Open(path);
        var expected = changelog.GroupBy(r => System.Text.Encoding.UTF8.GetString(r.Key)).ToDictionary(g => g.Key, g => MessageSerializer.Deserialize<Tally>(StateRecord.Decode(g.Last().Value).Value!).Count);
        var restored = store.Records().ToDictionary(r => System.Text.Encoding.UTF8.GetString(r.Key), r => MessageSerializer.Deserialize<Tally>(StateRecord.Decode(r.Value).Value!).Count);
        Assert.Equal(expected.OrderBy(e => e.Key), restored.OrderBy(e => e.Key));
        Assert.Equal(Records - 1, store.ChangelogOffset);
    }

    [Fact]
    public void ConfigureRocksDb_sees_every_store_before_it_opens_and_what_it_sets_applies()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("tally.state.changelog", 2);
        var seen = new System.Collections.Concurrent.ConcurrentBag<RocksDbStore>();
        var ownCache = RocksDbSharp.Cache.CreateLru(3 * 1024 * 1024);
        var options = new ProcessorOptions
        {
            Name = "tally",
            GroupId = "tally",
            InputTopic = "readings",
            BootstrapServers = kafka.BootstrapServers,
            StateDirectory = stateDirectory,
            ConfigureRocksDb = (rocksDb, store) =>
            {
                seen.Add(store);
                rocksDb.SetBlockBasedTableFactory(new RocksDbSharp.BlockBasedTableOptions().SetBlockCache(ownCache));
            },
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var table = StateDefinition.Of<Tally>("state").CreateTable(new object(), options);
        using (var stage = new StateStage(options, table, producer, NullLogger.Instance, new("pipelines.processor", "tally")))
        {
            stage.Assign([0, 1]);
            Assert.Equal("3145728", ((RocksDbStateStore)table.StoreOf(1)!).Property("rocksdb.block-cache-capacity"));
        }

        Assert.Equal(
            [new RocksDbStore("tally", "state", 0, Path.Combine(stateDirectory, "tally", "tally", "0")), new RocksDbStore("tally", "state", 1, Path.Combine(stateDirectory, "tally", "tally", "1"))],
            seen.OrderBy(s => s.Partition));
    }
}
