using System.Text;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;
using Pipelines.Publishing;

namespace Pipelines.IntegrationTests.Processing;

public class FuzzTests
{
    private const int Mutants = 150;
    private const int GoodRows = 300;

    /// <summary>
    /// Valid stream messages and split messages, as a TopicWriter writes them, with headers and bodies mutated at
    /// random (seeded, so a failure repeats) between good rows: the processor keeps running, gets past every
    /// message, writes every good row, gives every dead letter its reason, stops normally and restarts.
    /// </summary>
    [Fact]
    public async Task Mutated_stream_and_split_messages_never_stop_a_processor_or_cost_a_good_row()
    {
        using var harness = new KafkaHarness(partitions: 2);
        var seeds = SeedMessages(harness);
        var random = new Random(2026);
        var goodTimes = new List<long>();
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < GoodRows + Mutants; i++)
            {
                if (i % 3 != 0 || i / 3 >= Mutants)
                {
                    var time = 1_000_000 + i;
                    goodTimes.Add(time);
                    producer.Produce("readings", new Message<byte[]?, byte[]?> { Key = "good"u8.ToArray(), Value = MessageSerializer.Serialize(new Reading { Time = time, Sensor = "good", Value = 1 }) });
                    continue;
                }

                var seed = seeds[random.Next(seeds.Count)];
                producer.Produce("readings", Mutate(random, seed));
            }

            producer.Flush(KafkaHarness.Patience);
        }

        var total = GoodRows + Mutants;
        var options = harness.Options() with { SplitTimeout = TimeSpan.FromSeconds(1), CommitInterval = TimeSpan.FromMilliseconds(200) };
        var processor = new TestProcessor<Reading, Doubled>
        {
            Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = 2 }),
            Event = (e, outputs, _, _) => default, // so events are handed on rather than skipped
        };
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, Doubled>(options, processor).RunAsync(stop.Token);
            harness.ReadUntilSeen(goodTimes);

            // Past every message: incomplete split messages are dead-lettered after SplitTimeout and committed.
            var deadline = DateTime.UtcNow + KafkaHarness.Patience;
            // Each check asks the broker, so the loop waits on the network rather than spinning.
            while (harness.CommittedTotal("doubler", partitions: 2) < total && !run.IsCompleted && DateTime.UtcNow < deadline)
            {
            }

            Assert.False(run.IsCompleted, "The processor stopped.");
            Assert.Equal(total, harness.CommittedTotal("doubler", partitions: 2));
            await stop.CancelAsync();
            await run.WithinPatience();
        }

        var letters = ReadAll(harness, "readings.dlq", 1);
        Assert.NotEmpty(letters);
        Assert.All(letters, letter =>
        {
            Assert.True(letter.Message.Headers.TryGetLastBytes(DeadLetterHeaders.ExceptionMessage, out var reason) && reason.Length > 0);
            Assert.True(letter.Message.Headers.TryGetLastBytes(DeadLetterHeaders.SourceOffset, out _));
        });

        await harness.Produce([new Reading { Time = 5, Sensor = "after", Value = 1 }]);
        using var again = new CancellationTokenSource();
        var restarted = new ProcessorRunner<Reading, Doubled>(options, processor).RunAsync(again.Token);
        harness.ReadUntilSeen([5]);
        await again.CancelAsync();
        await restarted.WithinPatience();
    }

    /// <summary>Messages TopicWriters write: an event, properties, an end, packed rows and the chunks of a split message.</summary>
    private static List<Message<byte[]?, byte[]?>> SeedMessages(KafkaHarness harness)
    {
        harness.Kafka.CreateTopic("seeds", 1);
        var options = new TopicWriterOptions { BootstrapServers = harness.Kafka.BootstrapServers, Topic = "seeds", MaxMessageBytes = ProcessorOptions.MinMessageBytes };
        using (var writer = new TopicWriter<Reading>(options))
        {
            writer.WriteEvent("car", new StreamEvent { Id = "pit", Value = "in", Timestamp = 3, Tags = new Dictionary<string, string> { ["lap"] = "4" } });
            writer.SetProperties("car", new StreamProperties { Name = "run", Metadata = new Dictionary<string, string> { ["driver"] = "Ada" }, Parents = ["session"] });
            writer.EndStream("car");
        }

        // Packed rows: 400 of them are over 4 KB, so they go as the chunks of a split message; the last 5 as one message.
        using (var packer = new TopicWriter<Reading>(options with { Buffer = new BufferOptions { MaxRows = 400 } }))
        {
            foreach (var i in Enumerable.Range(0, 405))
            {
                packer.Write(new Reading { Time = i, Sensor = "car", Value = i });
            }
        }

        var seeds = ReadAll(harness, "seeds", 1).Select(r => r.Message).ToList();
        Assert.Contains(seeds, m => m.Headers.TryGetLastBytes(SplitHeaders.Id, out _));
        Assert.Contains(seeds, m => m.Headers.TryGetLastBytes(MessageTypes.Header, out var type) && type.AsSpan().SequenceEqual("rows"u8));
        return seeds;
    }

    private static Message<byte[]?, byte[]?> Mutate(Random random, Message<byte[]?, byte[]?> seed)
    {
        var headers = new Headers();
        var mutateHeaders = random.Next(2) == 0;
        foreach (var header in seed.Headers)
        {
            var value = header.GetValueBytes();
            if (mutateHeaders && header.Key.StartsWith("pipelines.", StringComparison.Ordinal) && random.Next(2) == 0)
            {
                value = random.Next(5) == 0 ? null : Mutations.Mutate(random, value ?? []);
            }

            headers.Add(header.Key, value);
        }

        var body = !mutateHeaders || random.Next(3) == 0 ? Mutations.Mutate(random, seed.Value ?? []) : seed.Value;
        return new Message<byte[]?, byte[]?> { Key = seed.Key, Value = body, Headers = headers };
    }

    /// <summary>Every message of <paramref name="topic"/>'s <paramref name="partitionCount"/> partitions, to the end.</summary>
    private static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(KafkaHarness harness, string topic, int partitionCount)
    {
        var config = new ConsumerConfig { BootstrapServers = harness.Kafka.BootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false, EnablePartitionEof = true };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var partitions = Enumerable.Range(0, partitionCount).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)).ToList();
        consumer.Assign(partitions);
        var results = new List<ConsumeResult<byte[]?, byte[]?>>();
        var ended = 0;
        var deadline = DateTime.UtcNow + KafkaHarness.Patience;
        while (ended < partitions.Count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                if (result.IsPartitionEOF)
                {
                    ended++;
                }
                else
                {
                    results.Add(result);
                }
            }
        }

        Assert.Equal(partitions.Count, ended);
        return results;
    }
}
