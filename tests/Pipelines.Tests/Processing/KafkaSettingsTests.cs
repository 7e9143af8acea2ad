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
