using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class KafkaSettingsTests
{
    private static readonly ProcessorOptions Options = new() { Name = "p", GroupId = "g", InputTopic = "in", OutputTopic = "out", BootstrapServers = "localhost:9092" };

    [Fact]
    public void The_producer_compresses_with_lz4_unless_told_otherwise()
    {
        Assert.Equal("lz4", Get(KafkaSettings.Producer(Options), "compression.type"));
        Assert.Equal("zstd", Get(KafkaSettings.Producer(Options with { Compression = Compression.Zstd }), "compression.type"));
        Assert.Equal("none", Get(KafkaSettings.Producer(Options with { Compression = Compression.None }), "compression.type"));
    }

    [Fact]
    public void Processors_and_topic_writers_place_keys_as_java_clients_do_unless_told_otherwise()
    {
        var writer = new Pipelines.Publishing.TopicWriterOptions { BootstrapServers = "localhost:9092" };

        Assert.Equal("murmur2_random", Get(KafkaSettings.Producer(Options), "partitioner"));
        Assert.Equal("murmur2_random", Get(KafkaSettings.Producer(writer), "partitioner"));
        Assert.Equal("consistent_random", Get(KafkaSettings.Producer(Options with { Kafka = new Dictionary<string, string> { ["partitioner"] = "consistent_random" } }), "partitioner"));
    }

    [Fact]
    public void Settings_of_one_kind_of_client_reach_only_that_kind()
    {
        var options = Options with { Kafka = new Dictionary<string, string> { ["session.timeout.ms"] = "3000", ["linger.ms"] = "20", ["client.id"] = "both" } };

        var consumer = KafkaSettings.Consumer(options);
        var restore = KafkaSettings.Restore(options);
        var producer = KafkaSettings.Producer(options);
        var admin = KafkaSettings.Admin(options.BootstrapServers, options.Kafka);

        Assert.Equal(("3000", null, "both"), (consumer.Get("session.timeout.ms"), consumer.Get("linger.ms"), consumer.Get("client.id")));
        Assert.Equal((null, null, "both"), (admin.Get("session.timeout.ms"), admin.Get("linger.ms"), admin.Get("client.id")));
        Assert.Equal(("3000", null), (restore.Get("session.timeout.ms"), restore.Get("linger.ms")));
        Assert.Equal((null, "20", "both"), (producer.Get("session.timeout.ms"), producer.Get("linger.ms"), producer.Get("client.id")));
    }

    [Fact]
    public void A_table_reader_waits_briefly_for_fetches_unless_configured()
    {
        Assert.Equal("100", KafkaSettings.Table(Options).Get("fetch.wait.max.ms"));
        Assert.Null(KafkaSettings.Restore(Options).Get("fetch.wait.max.ms"));
        Assert.Equal("300", KafkaSettings.Table(Options with { Kafka = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "300" } }).Get("fetch.wait.max.ms"));
    }

    [Fact]
    public void A_librdkafka_setting_wins_over_the_option()
    {
        var options = Options with { Compression = Compression.Zstd, Kafka = new Dictionary<string, string> { ["compression.type"] = "gzip" } };

        Assert.Equal("gzip", Get(KafkaSettings.Producer(options), "compression.type"));
    }

    [Theory]
    [InlineData(Compression.None, "none")]
    [InlineData(Compression.Gzip, "gzip")]
    [InlineData(Compression.Snappy, "snappy")]
    [InlineData(Compression.Lz4, "lz4")]
    [InlineData(Compression.Zstd, "zstd")]
    public void Every_codec_maps_to_its_librdkafka_name(Compression compression, string name) =>
        Assert.Equal(name, KafkaSettings.CompressionType(compression));

    private static string? Get(Confluent.Kafka.ProducerConfig config, string key) =>
        config.FirstOrDefault(pair => pair.Key == key).Value;
}
