using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;
using Pipelines.Infrastructure;
using Pipelines.Processing;

namespace Pipelines.Http;

/// <summary>
/// The one consumer of a topic that serves every HTTP client of it: it reads each partition from where the topic ended
/// when the feed started (no consumer group, nothing committed), encodes each message once as a frame, and offers it
/// to every subscription. Started by the first client.
/// </summary>
internal sealed class TopicFeed<T> : IDisposable
    where T : IMessageContract<T>
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Metadata = TimeSpan.FromSeconds(10);
    private readonly object gate = new();
    private readonly List<FeedSubscription> subscriptions = [];
    private readonly CancellationTokenSource stop = new();
    private readonly KafkaConnection kafka;
    private readonly ILogger logger;
    private Task? started;
    private ContractFormat<T> format = null!;
    private long[] positions = [];
    private Thread? loop;

    public TopicFeed(KafkaConnection kafka, ILogger logger)
    {
        this.kafka = kafka;
        this.logger = logger;
        Topic = T.Serializer.Schema.Topic ?? throw new InvalidOperationException($"{T.Serializer.Schema.Name} has no [Topic]: a feed reads its contract's topic.");
    }

    public string Topic { get; }

    public int Partitions => positions.Length;

    public string BootstrapServers => kafka.BootstrapServers;

    public ContractFormat<T> Format => format;

    /// <summary>
    /// Consumer settings of the feed and of catch-ups: the host's <c>Pipelines:Kafka</c> settings (credentials, for one),
    /// then the feed's own: assigned partitions, nothing committed.
    /// </summary>
    public ConsumerConfig ConsumerConfig(bool partitionEof = false)
    {
        var config = new ConsumerConfig(KafkaSettings.ConsumerSettings(kafka.ConsumerDefaults, kafka.ClientSettings))
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "pipelines-http-feed",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = partitionEof,

            // A feed is watched live: a fetch that found nothing returns within 20 ms rather than librdkafka's 500 (the
            // embedded broker always waits it out, a real one answers as data arrives).
            FetchWaitMaxMs = 20,
        };
        return config;
    }

    /// <summary>
    /// Subscribes a client that wants the frames <paramref name="wants"/> accepts, from now on; <paramref name="position"/>
    /// is where the feed stood when it did (the end of any catch-up the client needs first).
    /// </summary>
    public async Task<FeedSubscription> SubscribeAsync(Func<FeedFrame, bool> wants, int capacity, Action<long[]> position)
    {
        await Started();
        var subscription = new FeedSubscription(wants, capacity);
        lock (gate)
        {
            subscriptions.Add(subscription);
            position([.. positions]);
            if (stop.IsCancellationRequested)
            {
                subscription.Close(); // the host is stopping: the feed sends nothing more
            }
        }

        return subscription;
    }

    public void Unsubscribe(FeedSubscription subscription)
    {
        lock (gate)
        {
            subscriptions.Remove(subscription);
        }

        subscription.Close();
    }

    public void Dispose()
    {
        stop.Cancel();
        loop?.Join();
        lock (gate)
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Close();
            }
        }
    }

    /// <summary>The feed's start, begun by its first client; one that failed (the broker away) is begun again by the next.</summary>
    private Task Started()
    {
        lock (gate)
        {
            if (started is null || started.IsFaulted || started.IsCanceled)
            {
                started = StartAsync();
            }

            return started;
        }
    }

    private async Task StartAsync()
    {
        await kafka.EnsureTopicsAsync([Topic], stop.Token);
        format = ContractFormat.Of<T>(ContractFormat.NeedsRegistry(T.Serializer.Schema) ? kafka.SchemaRegistry : null, kafka.SubjectNameStrategy);
        await format.PrepareToReadAsync(Topic, "HTTP feed of " + Topic, logger, stop.Token);
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ConsumerConfig()).Build();
        try
        {
            var count = PartitionCount(Topic);
            positions = Enumerable.Range(0, count).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), Metadata).High.Value).ToArray();
            consumer.Assign(positions.Select((offset, p) => new TopicPartitionOffset(Topic, p, offset)));
        }
        catch
        {
            consumer.Dispose();
            throw;
        }

        loop = new Thread(() => Run(consumer)) { IsBackground = true, Name = "Pipelines HTTP feed of " + Topic };
        loop.Start();
    }

    private void Run(IConsumer<byte[]?, byte[]?> consumer)
    {
        using (consumer)
        {
            while (!stop.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? message;
                try
                {
                    message = consumer.Consume(Poll);
                }
                catch (ConsumeException failed)
                {
                    logger.LogWarning(failed, "HTTP feed of {Topic}: {Reason}", Topic, failed.Error.Reason);
                    continue;
                }

                if (message is null || message.IsPartitionEOF)
                {
                    continue;
                }

                var frame = FeedFrame.Of(message, format);
                lock (gate)
                {
                    positions[message.Partition.Value] = message.Offset.Value + 1;
                    if (frame is null)
                    {
                        continue;
                    }

                    frame.Seal(FeedPositions.Encode(positions));
                    foreach (var subscription in subscriptions)
                    {
                        subscription.Offer(frame);
                    }
                }
            }

            consumer.Close();
        }
    }

    private int PartitionCount(string topic)
    {
        using var admin = new AdminClientBuilder(KafkaSettings.Admin(kafka.BootstrapServers, kafka.ClientSettings)).Build();
        var metadata = admin.GetMetadata(topic, Metadata);
        return metadata.Topics.Single(t => t.Topic == topic).Partitions.Count;
    }
}
