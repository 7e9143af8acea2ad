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

    /// <summary>Reads single-row messages from the start until their rows satisfy <paramref name="done"/>, or fails after <see cref="Patience"/>.</summary>
    public static List<T> ReadUntil<T>(string bootstrapServers, string topic, Func<List<T>, bool> done)
        where T : IMessageContract<T>
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var rows = new List<T>();
        var deadline = DateTime.UtcNow + Patience;
        while (!done(rows) && DateTime.UtcNow < deadline)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
                {
                    rows.Add(MessageSerializer.Deserialize<T>(result.Message.Value));
                }
            }
            catch (ConsumeException exception) when (!exception.Error.IsFatal)
            {
                // The topic may not exist until its first message creates it.
            }
        }

        consumer.Close();
        Assert.True(done(rows), $"'{topic}' did not hold what was expected within {Patience}; it held {rows.Count} rows.");
        return rows;
    }

    /// <summary>
    /// Reads messages until they hold <paramref name="rowCount"/> rows, single or packed (by their message-type
    /// header), or fails after <see cref="Patience"/>. Returns each message with its rows.
    /// </summary>
    public static List<(ConsumeResult<string, byte[]> Result, List<T> Rows)> ReadRows<T>(string bootstrapServers, string topic, int rowCount)
        where T : IMessageContract<T>
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var results = new List<(ConsumeResult<string, byte[]>, List<T>)>();
        var rows = 0;
        var deadline = DateTime.UtcNow + Patience;
        while (rows < rowCount && DateTime.UtcNow < deadline)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
                {
                    var packed = result.Message.Headers.TryGetLastBytes(Pipelines.Processing.MessageTypes.Header, out var type) && type.AsSpan().SequenceEqual("rows"u8);
                    var messageRows = new List<T>();
                    if (packed)
                    {
                        MessageSerializer.DeserializePacked(result.Message.Value, messageRows);
                    }
                    else
                    {
                        messageRows.Add(MessageSerializer.Deserialize<T>(result.Message.Value));
                    }

                    results.Add((result, messageRows));
                    rows += messageRows.Count;
                }
            }
            catch (ConsumeException exception) when (!exception.Error.IsFatal)
            {
            }
        }

        consumer.Close();
        Assert.True(rows == rowCount, $"Expected {rowCount} rows on '{topic}' within {Patience}, got {rows}.");
        return results;
    }
}
