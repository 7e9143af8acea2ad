using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>An embedded cluster with an input and an output topic, and real clients to feed and read them.</summary>
internal sealed class KafkaHarness : IDisposable
{
    public static readonly TimeSpan Patience = TopicReader.Patience;

    public KafkaHarness(int partitions = 3)
    {
        Kafka = EmbeddedKafka.Start();
        Kafka.CreateTopic("readings", partitions);
        Kafka.CreateTopic("doubled", partitions);
        Kafka.CreateTopic("readings.dlq");
    }

    public EmbeddedKafka Kafka { get; }

    /// <summary>
    /// An outside writer's producer: keys placed as Java clients place them (murmur2), as Pipelines' own producers
    /// do, so a table a test writes with a <c>TopicWriter</c> is co-partitioned with the input it writes here.
    /// </summary>
    public ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = Kafka.BootstrapServers,
        MessageTimeoutMs = (int)Patience.TotalMilliseconds,
        Partitioner = Partitioner.Murmur2Random,
    };

    public ProcessorOptions Options(FailurePolicy onFailure = FailurePolicy.DeadLetter) => new()
    {
        Name = "doubler",
        GroupId = "doubler",
        InputTopic = "readings",
        OutputTopic = "doubled",
        BootstrapServers = Kafka.BootstrapServers,
        OnFailure = onFailure,
        RetryBackoff = TimeSpan.FromMilliseconds(1),
        MaxRetries = 2,

        // librdkafka's mock coordinator does not act on LeaveGroup (a real broker does, in milliseconds): a
        // restarted member waits for the old one's session to expire, so keep sessions short here.
        ConsumerKafka = new Dictionary<string, string> { ["session.timeout.ms"] = "3000", ["heartbeat.interval.ms"] = "500" },
    };

    public async Task Produce(IEnumerable<Reading> readings)
    {
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig()).Build();
        foreach (var reading in readings)
        {
            await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading) });
        }
    }

    /// <summary>Writes a backlog of <paramref name="readings"/>, a message each, in order, without waiting for each acknowledgement.</summary>
    public void Write(IEnumerable<Reading> readings)
    {
        using var writer = new Pipelines.Publishing.TopicWriter<Reading>(new Pipelines.Publishing.TopicWriterOptions { BootstrapServers = Kafka.BootstrapServers });
        foreach (var reading in readings)
        {
            writer.Write(reading);
        }
    }

    /// <summary>Produces <paramref name="readings"/> as one packed message (the packed-rows layout) under <paramref name="key"/>.</summary>
    public async Task ProducePacked(string key, IEnumerable<Reading> readings)
    {
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig()).Build();
        var value = MessageSerializer.SerializePacked<Reading>(readings.ToArray());
        await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = key, Value = value, Headers = new Headers { { MessageTypes.Header, "rows"u8.ToArray() } } });
    }

    /// <summary>Reads <c>doubled</c> until it holds <paramref name="rowCount"/> rows, single or packed.</summary>
    public List<(ConsumeResult<string, byte[]> Result, List<Doubled> Rows)> ReadDoubledRows(int rowCount) =>
        TopicReader.ReadRows<Doubled>(Kafka.BootstrapServers, "doubled", rowCount);

    public async Task ProduceRaw(string key, byte[] value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig()).Build();
        await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = key, Value = value, Headers = new Headers { { "origin", "test"u8.ToArray() } } });
    }

    /// <summary>Reads exactly <paramref name="count"/> messages from the start of <paramref name="topic"/>.</summary>
    public List<ConsumeResult<string, byte[]>> Read(string topic, int count) => TopicReader.Read<string>(Kafka.BootstrapServers, topic, count);

    /// <summary>
    /// Reads <c>doubled</c> from the start until every time in <paramref name="times"/> has appeared, or fails after
    /// <see cref="Patience"/>. For at-least-once checks: duplicates are allowed, gaps are not.
    /// </summary>
    public HashSet<long> ReadUntilSeen(IEnumerable<long> times)
    {
        var missing = times.ToHashSet();
        var seen = new HashSet<long>();
        var config = new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Subscribe("doubled");
        var deadline = DateTime.UtcNow + Patience;
        while (missing.Count > 0 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                var time = MessageSerializer.Deserialize<Doubled>(result.Message.Value).Time;
                seen.Add(time);
                missing.Remove(time);
            }
        }

        consumer.Close();
        Assert.True(missing.Count == 0, $"{missing.Count} inputs never reached the output, for example {string.Join(", ", missing.Take(5))}.");
        return seen;
    }

    /// <summary>The committed offsets of <paramref name="group"/> on the input topic, summed over partitions.</summary>
    public long CommittedTotal(string group, int partitions = 3) => CommittedTotal(group, "readings", partitions);

    /// <summary>The committed offsets of <paramref name="group"/> on <paramref name="topic"/>, summed over partitions.</summary>
    public long CommittedTotal(string group, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = group }).Build();
        var committed = consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), Patience);
        return committed.Sum(c => c.Offset == Offset.Unset ? 0 : c.Offset.Value);
    }

    /// <summary>How many messages <paramref name="topic"/> holds: its end offsets, summed over partitions.</summary>
    public long EndOf(string topic, int partitions = 3)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "count" }).Build();
        return Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), Patience).High.Value);
    }

    public void Dispose() => Kafka.Dispose();

    public static IEnumerable<Reading> Readings(int from, int count) =>
        Enumerable.Range(from, count).Select(i => new Reading { Time = i, Sensor = "sensor-" + (i % 5), Value = i });
}
