using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Hosting;
using Pipelines.Kafka.Embedded;

namespace Pipelines.IntegrationTests.State;

/// <summary>Changelog topics as hosting creates and checks them: one partition per input partition.</summary>
public class ChangelogTopicTests
{
    [Fact]
    public async Task A_missing_changelog_is_created_with_as_many_partitions_as_its_input()
    {
        using var connection = new KafkaConnection(new PipelinesSettings { TopicPartitions = 5 }, NullLogger<KafkaConnection>.Instance);

        // An input that a client created, so its partition count is the broker's default, not TopicPartitions.
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = connection.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("readings", new Message<Null, string> { Value = "creates the topic" });
        }

        await connection.EnsureChangelogAsync("tally.state.changelog", "readings", CancellationToken.None);

        var input = Partitions(connection.BootstrapServers, "readings");
        Assert.NotEqual(5, input);
        Assert.Equal(input, Partitions(connection.BootstrapServers, "tally.state.changelog"));
    }

    [Fact]
    public async Task A_changelog_with_another_partition_count_than_its_input_is_refused_naming_both()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("readings", 3);
        kafka.CreateTopic("tally.state.changelog", 2);
        using var connection = new KafkaConnection(new PipelinesSettings { BootstrapServers = kafka.BootstrapServers }, NullLogger<KafkaConnection>.Instance);

        var refused = await Assert.ThrowsAsync<StateStoreException>(() => connection.EnsureChangelogAsync("tally.state.changelog", "readings", CancellationToken.None));

        Assert.Contains("'tally.state.changelog' has 2 partitions, but its input 'readings' has 3", refused.Message, StringComparison.Ordinal);
    }

    private static int Partitions(string bootstrapServers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        return admin.GetMetadata(topic, TopicReader.Patience).Topics.Single().Partitions.Count;
    }
}
