using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>The Confluent.Kafka configuration of a processor's consumer and producer, from its options.</summary>
internal static class KafkaSettings
{
    // Measured on the embedded broker at 10k msg/s (BENCHMARKS.md): a shorter linger than 4 ms writes more, smaller
    // batches, which that broker walks through on every fetch, and latency collapses within seconds; a longer fetch
    // wait adds directly to every hop.
    internal const string LowLatencyFetchWaitMs = "1";
    internal const string LowLatencyLingerMs = "4";

    // librdkafka's consumer-only and producer-only properties (its CONFIGURATION.md, scope C and P). Pipelines:Kafka
    // applies to every client, so each client gets only the settings of its kind: a producer handed
    // session.timeout.ms logs a configuration warning at every start.
    private static readonly HashSet<string> ConsumerOnly = new(StringComparer.Ordinal)
    {
        "group.id", "group.instance.id", "partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms",
        "group.protocol.type", "group.protocol", "group.remote.assignor", "coordinator.query.interval.ms",
        "max.poll.interval.ms", "enable.auto.commit", "auto.commit.interval.ms", "enable.auto.offset.store",
        "queued.min.messages", "queued.max.messages.kbytes", "fetch.wait.max.ms", "fetch.queue.backoff.ms",
        "fetch.message.max.bytes", "max.partition.fetch.bytes", "fetch.max.bytes", "fetch.min.bytes",
        "fetch.error.backoff.ms", "offset.store.method", "isolation.level", "consume.callback.max.messages",
        "enable.partition.eof", "check.crcs", "auto.offset.reset", "allow.auto.create.topics",
    };

    private static readonly HashSet<string> ProducerOnly = new(StringComparer.Ordinal)
    {
        "transactional.id", "transaction.timeout.ms", "enable.idempotence", "enable.gapless.guarantee",
        "queue.buffering.max.messages", "queue.buffering.max.kbytes", "queue.buffering.max.ms", "linger.ms",
        "message.send.max.retries", "retries", "queue.buffering.backpressure.threshold", "compression.codec",
        "compression.type", "compression.level", "batch.num.messages", "batch.size", "delivery.report.only.error",
        "sticky.partitioning.linger.ms", "request.required.acks", "acks", "request.timeout.ms", "message.timeout.ms",
        "delivery.timeout.ms", "partitioner", "partitioner.consistency.random", "msg_order_cmp", "produce.offset.report",
    };

    public static ConsumerConfig Consumer(ProcessorOptions options)
    {
        var settings = new Dictionary<string, string>(options.ConsumerKafka)
        {
            // A processor with one input knows the topic, so its name need not be decoded into a new string per message.
            ["dotnet.consumer.consume.result.fields"] = options.InputTopics.Count > 0 ? "headers,timestamp,topic" : "headers,timestamp",
        };

        if (options.LowLatency)
        {
            settings["fetch.wait.max.ms"] = LowLatencyFetchWaitMs;
        }

        Overlay(settings, options.Kafka, ProducerOnly);
        var config = new ConsumerConfig(settings)
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupId,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = checked((int)options.CommitInterval.TotalMilliseconds),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };

        // Several inputs share partition numbers (a stream, its state, its buffers): the range assignor gives one instance
        // partition p of every co-partitioned topic, where others may split them. Not a setting a user may change here.
        // One input rebalances incrementally unless told otherwise: a partition an instance keeps through a rebalance is
        // neither handed over nor restored; only partitions that move pay.
        if (options.InputTopics.Count > 0)
        {
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
        }
        else
        {
            config.PartitionAssignmentStrategy ??= PartitionAssignmentStrategy.CooperativeSticky;
        }

        return config;
    }

    /// <summary>A consumer that reads state changelog partitions to their end, outside any group.</summary>
    public static ConsumerConfig Restore(ProcessorOptions options)
    {
        var settings = new Dictionary<string, string>(options.ConsumerKafka)
        {
            // Records are read for their key and value only: no headers, timestamp or topic to decode per record.
            ["dotnet.consumer.consume.result.fields"] = "none",

            // Reading many partitions to their end fills the local queue past its thresholds, and librdkafka then holds
            // each partition's next fetch for fetch.queue.backoff.ms (1 s by default): 25 partitions of a changelog read
            // at 130k records/s instead of 890k on the embedded broker (BENCHMARKS.md, "Restore").
            ["fetch.queue.backoff.ms"] = RestoreFetchQueueBackoffMs,
        };
        Overlay(settings, options.Kafka, ProducerOnly);
        return new ConsumerConfig(settings)
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupId + ".restore",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
    }

    /// <summary>
    /// A consumer that follows a table's topic, outside any group. A fetch that finds nothing new is held by the broker
    /// for the fetch wait, and partitions assigned meanwhile are fetched only after it: a table follows a topic that
    /// rarely changes, so a short wait (100 ms, unless configured) keeps a new assignment's load from waiting out
    /// librdkafka's default 500 ms, for a few more empty fetches.
    /// </summary>
    public static ConsumerConfig Table(ProcessorOptions options)
    {
        var config = Restore(options);
        config.Set("dotnet.consumer.consume.result.fields", "all"); // a table reads each message's headers
        config.FetchWaitMaxMs ??= TableFetchWaitMs;
        return config;
    }

    internal const int TableFetchWaitMs = 100;

    internal const string RestoreFetchQueueBackoffMs = "10";

    /// <summary>Murmur2 of the key, as the Java client's default partitioner; a message without a key goes to a random partition.</summary>
    internal const string JavaCompatiblePartitioner = "murmur2_random";

    public static ProducerConfig Producer(ProcessorOptions options) =>
        Producer(options.BootstrapServers, options.Compression, options.LowLatency, options.Kafka);

    public static ProducerConfig Producer(Publishing.TopicWriterOptions options) =>
        Producer(options.BootstrapServers, options.Compression, options.LowLatency, options.Kafka);

    /// <summary>The one producer configuration of processors and topic writers alike.</summary>
    private static ProducerConfig Producer(string bootstrapServers, Compression compression, bool lowLatency, IReadOnlyDictionary<string, string> kafka)
    {
        var settings = new Dictionary<string, string>
        {
            // Deliveries are read for their error, status and offset only; leaving out the echo of key, value and
            // headers saves their allocation on every acknowledgement.
            ["dotnet.producer.delivery.report.fields"] = "status",
            ["compression.type"] = CompressionType(compression),

            // A key goes to the partition Java clients, Kafka Streams and Quix Streams put it in (murmur2, Kafka's
            // default), not librdkafka's CRC32: a table or merge across topics written by both then finds its rows.
            ["partitioner"] = JavaCompatiblePartitioner,
        };
        if (lowLatency)
        {
            settings["linger.ms"] = LowLatencyLingerMs;
        }

        Overlay(settings, kafka, ConsumerOnly);
        return new ProducerConfig(settings)
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
        };
    }

    /// <summary>An admin client's configuration: neither consumer-only nor producer-only settings of <paramref name="kafka"/>.</summary>
    public static AdminClientConfig Admin(string bootstrapServers, IReadOnlyDictionary<string, string> kafka)
    {
        var settings = new Dictionary<string, string>();
        Overlay(settings, kafka, ConsumerOnly);
        foreach (var key in ProducerOnly)
        {
            settings.Remove(key);
        }

        return new AdminClientConfig(settings) { BootstrapServers = bootstrapServers };
    }

    internal static string CompressionType(Compression compression) => compression switch
    {
        Compression.None => "none",
        Compression.Gzip => "gzip",
        Compression.Snappy => "snappy",
        Compression.Lz4 => "lz4",
        Compression.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Not a compression codec."),
    };

    /// <summary>
    /// A consumer's settings outside a processor (the HTTP feeds): <paramref name="defaults"/>, then the host's
    /// <c>Pipelines:Kafka</c> settings (<paramref name="kafka"/>: security, for one), but for those of producers.
    /// </summary>
    public static Dictionary<string, string> ConsumerSettings(IReadOnlyDictionary<string, string> defaults, IReadOnlyDictionary<string, string> kafka)
    {
        var settings = defaults.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Overlay(settings, kafka, ProducerOnly);
        return settings;
    }

    /// <summary>Applies <paramref name="overrides"/>, but for the properties of the other kind of client.</summary>
    private static void Overlay(Dictionary<string, string> settings, IReadOnlyDictionary<string, string> overrides, HashSet<string> otherKind)
    {
        foreach (var (key, value) in overrides)
        {
            if (!otherKind.Contains(key))
            {
                settings[key] = value;
            }
        }
    }
}
