using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>Messages larger than the broker takes: split on write, joined on read, safe across restarts, timed out to the dead-letter topic.</summary>
public class SplitTests
{
    private const int ChunkSize = 512 * 1024;

    private static ProcessorOptions Reader(KafkaHarness harness, string name) => new()
    {
        Name = name,
        GroupId = name,
        InputTopic = "attachments",
        BootstrapServers = harness.Kafka.BootstrapServers,
        MaxRetries = 0,
        DeadLetterTopic = "attachments.dlq",
        ConsumerKafka = new Dictionary<string, string> { ["session.timeout.ms"] = "3000", ["heartbeat.interval.ms"] = "500" },
    };

    private static KafkaHarness Harness()
    {
        var harness = new KafkaHarness(partitions: 1);
        harness.Kafka.CreateTopic("attachments", 1);
        harness.Kafka.CreateTopic("attachments.dlq", 1);
        return harness;
    }

    /// <summary>A sink that keeps every attachment it is handed.</summary>
    private static ProcessorRunner<Attachment, NoOutput> Collector(ProcessorOptions options, Collected<Attachment> received) =>
        new(options, new TestProcessor<Attachment, NoOutput>
        {
            Row = (row, _, _) =>
            {
                received.Add(row);
                return default;
            },
        });

    [Fact]
    public async Task A_20_MB_attachment_is_split_on_write_and_joined_on_read()
    {
        using var harness = Harness();

        // Mostly zeros: compressed on the wire it stays within the embedded broker's 5 MiB per partition, while
        // splitting works on the 20 MB value.
        var data = new byte[20 * 1024 * 1024];
        var random = new Random(7);
        for (var i = 0; i < data.Length; i += 64)
        {
            data[i] = (byte)random.Next(256);
        }

        await harness.Produce(KafkaHarness.Readings(0, 1));
        using var stop = new CancellationTokenSource();
        var writer = new ProcessorRunner<Reading, Attachment>(
            new ProcessorOptions
            {
                Name = "attacher",
                GroupId = "attacher",
                InputTopic = "readings",
                OutputTopic = "attachments",
                BootstrapServers = harness.Kafka.BootstrapServers,
                Compression = Compression.Zstd,
            },
            new TestProcessor<Reading, Attachment> { Row = (row, _, _) => ValueTask.FromResult<Attachment?>(new Attachment { Time = row.Time, Sensor = row.Sensor, Data = data }) });
        var received = new Collected<Attachment>();
        var reader = Collector(Reader(harness, "attachment-reader"), received);

        var runs = new[] { writer.RunAsync(stop.Token), reader.RunAsync(stop.Token) };
        var chunks = harness.Read("attachments", 21);
        await received.Until(rows => rows.Count > 0);

        await stop.CancelAsync();
        await Task.WhenAll(runs).WithinPatience();

        var attachment = Assert.Single(received);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(attachment.Data));
        Assert.Equal("sensor-0", attachment.Sensor);
        Assert.All(chunks, c => Assert.True(c.Message.Value.Length <= 1_000_000, $"A chunk of {c.Message.Value.Length} bytes."));
        Assert.All(chunks, c => Assert.Equal("21", Encoding.UTF8.GetString(c.Message.Headers.GetLastBytes(SplitHeaders.Count))));
        Assert.Equal(Enumerable.Range(0, 21).Select(i => i.ToString(CultureInfo.InvariantCulture)), chunks.Select(c => Encoding.UTF8.GetString(c.Message.Headers.GetLastBytes(SplitHeaders.Index))));
        Assert.Single(chunks.Select(c => Encoding.UTF8.GetString(c.Message.Headers.GetLastBytes(SplitHeaders.Id))).Distinct());
        Assert.Equal(21, harness.CommittedTotal("attachment-reader", "attachments", partitions: 1));
    }

    [Fact]
    public async Task A_reader_restarted_between_chunks_reads_the_whole_message_once()
    {
        using var harness = Harness();
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var value = MessageSerializer.Serialize(new Attachment { Time = 1, Sensor = "camera", Data = data });
        var chunks = Chunks(value);
        Assert.Equal(7, chunks.Count);
        using var consumed = new ConsumedCounter("restarted-reader");

        await ProduceChunks(harness, chunks.Take(3));
        var received = new Collected<Attachment>();
        using (var first = new CancellationTokenSource())
        {
            var run = Collector(Reader(harness, "restarted-reader"), received).RunAsync(first.Token);
            await consumed.WaitFor(3);
            await first.CancelAsync();
            await run.WithinPatience();
        }

        Assert.Empty(received);
        Assert.Equal(0, harness.CommittedTotal("restarted-reader", "attachments", partitions: 1));

        await ProduceChunks(harness, chunks.Skip(3));
        using var second = new CancellationTokenSource();
        var again = Collector(Reader(harness, "restarted-reader"), received).RunAsync(second.Token);
        await received.Until(rows => rows.Count > 0);

        await second.CancelAsync();
        await again.WithinPatience();

        var attachment = Assert.Single(received);
        Assert.Equal(data, attachment.Data);
        Assert.Equal(7, harness.CommittedTotal("restarted-reader", "attachments", partitions: 1));
    }

    [Fact]
    public async Task An_incomplete_split_message_times_out_to_the_dead_letter_topic_and_the_rest_flows()
    {
        using var harness = Harness();
        var value = MessageSerializer.Serialize(new Attachment { Time = 1, Sensor = "camera", Data = RandomNumberGenerator.GetBytes(2 * ChunkSize) });
        var chunks = Chunks(value);
        await ProduceChunks(harness, chunks.Take(2));
        await ProduceChunks(harness, [(MessageSerializer.Serialize(new Attachment { Time = 2, Sensor = "camera", Data = [1, 2, 3] }), null)]);
        using var stop = new CancellationTokenSource();
        var received = new Collected<Attachment>();

        var run = Collector(Reader(harness, "impatient-reader") with { SplitTimeout = TimeSpan.FromSeconds(1) }, received).RunAsync(stop.Token);
        var letters = TopicReader.Read<string>(harness.Kafka.BootstrapServers, "attachments.dlq", 2);
        var committed = 0L;
        var deadline = DateTime.UtcNow + KafkaHarness.Patience;
        while (committed < 3 && DateTime.UtcNow < deadline)
        {
            committed = harness.CommittedTotal("impatient-reader", "attachments", partitions: 1);
        }

        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([2L], received.Select(a => a.Time));
        Assert.Equal(chunks.Take(2).Select(c => c.Value), letters.Select(l => l.Message.Value));
        Assert.All(letters, l => Assert.Contains($"2 of its {chunks.Count} chunks arrived within", Encoding.UTF8.GetString(l.Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage))));
        Assert.Equal(["0", "1"], letters.Select(l => Encoding.UTF8.GetString(l.Message.Headers.GetLastBytes(SplitHeaders.Index))));
        Assert.Equal(3, committed);
    }

    [Fact]
    public async Task A_batch_handler_gets_a_joined_message_between_plain_ones_in_offset_order()
    {
        using var harness = Harness();
        var data = RandomNumberGenerator.GetBytes(ChunkSize + 100);
        // Plain messages on both sides of the chunks, so that one fetch round holds them all.
        Attachment Small(long time) => new() { Time = time, Sensor = "camera", Data = [(byte)time] };
        await ProduceChunks(harness, Enumerable.Range(0, 20).Select(i => (MessageSerializer.Serialize(Small(i)), (Headers?)null)));
        await ProduceChunks(harness, Chunks(MessageSerializer.Serialize(new Attachment { Time = 20, Sensor = "camera", Data = data })));
        await ProduceChunks(harness, Enumerable.Range(21, 20).Select(i => (MessageSerializer.Serialize(Small(i)), (Headers?)null)));
        using var stop = new CancellationTokenSource();
        var received = new Collected<Attachment>();
        var collect = new TestProcessor<Attachment, NoOutput>
        {
            Rows = (rows, _, _, _) =>
            {
                foreach (var row in rows)
                {
                    received.Add(row);
                }

                return default;
            },
        };

        var run = new ProcessorRunner<Attachment, NoOutput>(Reader(harness, "batch-reader"), collect).RunAsync(stop.Token);
        await received.Until(rows => rows.Count >= 41, stopped: run);

        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(Enumerable.Range(0, 41).Select(i => (long)i), received.Select(a => a.Time));
        Assert.Equal(data, received.ElementAt(20).Data);
        Assert.Equal(42, harness.CommittedTotal("batch-reader", "attachments", partitions: 1));
    }

    /// <summary>Splits a value the way docs/wire-format.md describes, as another client would.</summary>
    private static List<(byte[] Value, Headers? Headers)> Chunks(byte[] value)
    {
        var id = Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N"));
        var count = (value.Length + ChunkSize - 1) / ChunkSize;
        return Enumerable.Range(0, count).Select(index => (
            value.AsSpan(index * ChunkSize, Math.Min(ChunkSize, value.Length - index * ChunkSize)).ToArray(),
            (Headers?)new Headers
            {
                { SplitHeaders.Id, id },
                { SplitHeaders.Index, Encoding.UTF8.GetBytes(index.ToString(CultureInfo.InvariantCulture)) },
                { SplitHeaders.Count, Encoding.UTF8.GetBytes(count.ToString(CultureInfo.InvariantCulture)) },
            })).ToList();
    }

    private static async Task ProduceChunks(KafkaHarness harness, IEnumerable<(byte[] Value, Headers? Headers)> chunks)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers }).Build();
        foreach (var (value, headers) in chunks)
        {
            await producer.ProduceAsync("attachments", new Message<string, byte[]> { Key = "camera", Value = value, Headers = headers });
        }
    }

    /// <summary>Counts the messages one processor consumed, from the runtime's own meter.</summary>
    private sealed class ConsumedCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly SemaphoreSlim consumed = new(0);

        public ConsumedCounter(string processor)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "messaging.client.consumed.messages")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == PipelinesTelemetry.ProcessorTag && Equals(tag.Value, processor))
                    {
                        consumed.Release((int)value);
                    }
                }
            });
            listener.Start();
        }

        public async Task WaitFor(int messages)
        {
            for (var i = 0; i < messages; i++)
            {
                Assert.True(await consumed.WaitAsync(KafkaHarness.Patience), $"Only {i} of {messages} messages were consumed.");
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
