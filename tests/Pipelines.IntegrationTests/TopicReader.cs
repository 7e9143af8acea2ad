using Confluent.Kafka;

namespace Pipelines.IntegrationTests;

/// <summary>Reads a topic from the beginning with a fresh consumer group, as an outside observer would.</summary>
internal static class TopicReader
{
    /// <summary>How long a test waits for messages before it fails; generous, because CI machines are slow.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Reads exactly <paramref name="count"/> messages, or fails after <see cref="Patience"/>.</summary>
    public static List<ConsumeResult<TKey, byte[]>> Read<TKey>(string bootstrapServers, string topic, int count)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<TKey, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<TKey, byte[]>>();
        var deadline = DateTime.UtcNow + Patience;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
                {
                    results.Add(result);
                }
            }
            catch (ConsumeException exception) when (!exception.Error.IsFatal)
            {
                // The topic may not exist until its first message creates it.
            }
        }

        consumer.Close();
        Assert.True(results.Count == count, $"Expected {count} messages on '{topic}' within {Patience}, got {results.Count}.");
        return results;
    }
}
