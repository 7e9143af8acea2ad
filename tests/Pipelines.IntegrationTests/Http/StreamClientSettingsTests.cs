using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Hosting;
using Pipelines.Http;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Http;

/// <summary>
/// The HTTP writers' producer and the feeds' consumers connect as the host's processors do, with its
/// <c>Pipelines:Kafka</c> settings: on a cluster that wants credentials, a client without them gets nowhere.
/// </summary>
public sealed class StreamClientSettingsTests
{
    [Fact]
    public void Writers_and_feeds_take_the_hosts_Pipelines_Kafka_settings_and_keep_their_own()
    {
        var settings = PipelinesSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("Pipelines:BootstrapServers", "broker-1:9092"),
            new("Pipelines:Kafka:security.protocol", "SASL_SSL"),
            new("Pipelines:Kafka:sasl.mechanism", "PLAIN"),
            new("Pipelines:Kafka:linger.ms", "7"),
            new("Pipelines:Kafka:fetch.wait.max.ms", "900"),
        ]).Build());
        using var kafka = new KafkaConnection(settings, NullLogger<KafkaConnection>.Instance);
        using var feeds = new StreamFeeds(kafka, NullLoggerFactory.Instance, lifetime: null);
        using var writers = new StreamWriters(kafka, NullLoggerFactory.Instance);

        var consumer = feeds.For<Reading>().ConsumerConfig();
        var producer = KafkaSettings.Producer(writers.ProducerOptions);

        Assert.Equal(("SASL_SSL", "PLAIN"), (consumer.Get("security.protocol"), consumer.Get("sasl.mechanism")));
        Assert.Equal(("SASL_SSL", "PLAIN"), (producer.Get("security.protocol"), producer.Get("sasl.mechanism")));
        Assert.Equal((7, "broker-1:9092"), (producer.LingerMs, producer.BootstrapServers));
        Assert.DoesNotContain(consumer, setting => setting.Key == "linger.ms"); // a producer's setting, not given to consumers
        Assert.Equal((20, false), (consumer.FetchWaitMaxMs, consumer.EnableAutoCommit)); // the feed's own
    }
}
