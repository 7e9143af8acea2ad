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

    public static ConsumerConfig Consumer(ProcessorOptions options)
    {
        var settings = new Dictionary<string, string>(options.ConsumerKafka)
        {
            // A processor reads one topic, so the name need not be decoded into a new string per message.
            ["dotnet.consumer.consume.result.fields"] = "headers,timestamp",
        };
        if (options.LowLatency)
        {
            settings["fetch.wait.max.ms"] = LowLatencyFetchWaitMs;
        }

        Overlay(settings, options.Kafka);
        return new ConsumerConfig(settings)
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupId,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = checked((int)options.CommitInterval.TotalMilliseconds),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
    }

    /// <summary>A consumer that reads a state changelog partition to its end, outside any group.</summary>
    public static ConsumerConfig Restore(ProcessorOptions options)
    {
        var settings = new Dictionary<string, string>(options.ConsumerKafka);
        Overlay(settings, options.Kafka);
        return new ConsumerConfig(settings)
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupId + ".restore",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
    }

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
        };
        if (lowLatency)
        {
            settings["linger.ms"] = LowLatencyLingerMs;
        }

        Overlay(settings, kafka);
        return new ProducerConfig(settings)
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
        };
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

    private static void Overlay(Dictionary<string, string> settings, IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
    }
}
