using System.Text;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>
/// No message can stop a processor: each hostile message, written by a plain producer between good rows, is
/// dead-lettered with its reason (or, where it is a valid row with odd extras, processed), every good row reaches
/// the output, the stop returns normally, and a restart goes on past it.
/// </summary>
public class HostileMessageTests
{
    /// <summary>One hostile message; <see cref="Reason"/> null means it is a valid row that must be processed.</summary>
    public sealed record Hostile(byte[]? Key, byte[]? Value, Headers Headers, string? Reason);

    private const long ProcessedTime = 100;

    private static readonly byte[] Key = "sensor-x"u8.ToArray();

    private static byte[] Row(long time = ProcessedTime) => MessageSerializer.Serialize(new Reading { Time = time, Sensor = "sensor-x", Value = 1 });

    private static Headers Typed(string type) => new() { { MessageTypes.Header, Encoding.UTF8.GetBytes(type) } };

    private static Headers Chunk(byte[]? id, byte[]? index, byte[]? count) =>
        new() { { SplitHeaders.Id, id }, { SplitHeaders.Index, index }, { SplitHeaders.Count, count } };

    private static readonly Dictionary<string, Hostile> Cases = new()
    {
        // The defects the issue reproduced.
        ["properties of one byte"] = new(Key, "L"u8.ToArray(), Typed(MessageTypes.StreamProperties), "stream-properties message cannot be read"),
        ["properties that are an array"] = new(Key, [0x92, 0x01, 0x02], Typed(MessageTypes.StreamProperties), "stream-properties message cannot be read"),
        ["an event of 0xc1"] = new(Key, [0xc1], Typed(MessageTypes.Event), "event cannot be read"),
        ["a stream end of 0xc1"] = new(Key, [0xc1], Typed(MessageTypes.StreamEnd), "stream-end message cannot be read"),
        ["a chunk count of int.MaxValue"] = new(Key, [1, 2, 3], Chunk("0123456789abcdef0123456789abcdef"u8.ToArray(), "0"u8.ToArray(), "2147483647"u8.ToArray()), "pipelines.split.count is 2147483647"),
        ["one row under the batch type"] = new(Key, Row(), Typed(MessageTypes.Rows), "not a batch"),
        ["a valid row under an unknown type"] = new(Key, Row(), Typed("foo"), "pipelines.type has the value 'foo'"),

        // Garbage in every pipelines.* header.
        ["a type that is not UTF-8"] = new(Key, Row(), new Headers { { MessageTypes.Header, [0xff, 0xfe, 0xfd] } }, "hex FFFEFD"),
        ["a type without a value"] = new(Key, Row(), new Headers { { MessageTypes.Header, null } }, "pipelines.type has no value"),
        ["a split id that is not UTF-8"] = new(Key, [1], Chunk([0xc3, 0x28], "0"u8.ToArray(), "1"u8.ToArray()), "pipelines.split.id is not UTF-8"),
        ["a split id without a value"] = new(Key, [1], Chunk(null, "0"u8.ToArray(), "1"u8.ToArray()), "pipelines.split.id must be present"),
        ["a split index that is garbage"] = new(Key, [1], Chunk("a"u8.ToArray(), [0xff, 0x00], "2"u8.ToArray()), "pipelines.split.index must be"),
        ["a split index alone"] = new(Key, Row(), new Headers { { SplitHeaders.Index, "0"u8.ToArray() } }, "pipelines.split.id must be present"),
        ["a split count that is negative"] = new(Key, [1], Chunk("a"u8.ToArray(), "0"u8.ToArray(), "-5"u8.ToArray()), "pipelines.split.count is -5"),
        ["dead-letter headers full of garbage on a valid row"] = new(Key, Row(), new Headers
        {
            { DeadLetterHeaders.Processor, [0xff] }, { DeadLetterHeaders.SourceOffset, "x"u8.ToArray() }, { DeadLetterHeaders.SourcePartition, null },
            { DeadLetterHeaders.SourceRows, "9-1/0"u8.ToArray() }, { DeadLetterHeaders.ExceptionMessage, [0xc0, 0x80] },
        }, null),
        ["a trace context that is garbage on a valid row"] = new(Key, Row(), new Headers { { "traceparent", [0xff, 0x00] }, { "tracestate", null } }, null),

        // Keys and values a plain producer can send.
        ["a key that is not UTF-8 on a valid row"] = new([0xff, 0xfe, 0x00], Row(), [], null),
        ["a null key on a valid row"] = new(null, Row(), [], null),
        ["a tombstone"] = new(Key, null, [], "tombstone"),
        ["an empty value"] = new(Key, [], [], "ends too early"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_hostile_message_is_dead_lettered_with_its_reason_and_the_processor_keeps_going(string name)
    {
        var hostile = Cases[name];
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 5));
        await ProduceHostile(harness, hostile);
        await harness.Produce(KafkaHarness.Readings(5, 5));
        var expected = Enumerable.Range(0, 10).Select(i => (long)i).Concat(hostile.Reason is null ? [ProcessedTime] : []).ToList();

        using (var stop = new CancellationTokenSource())
        {
            var run = Runner(harness).RunAsync(stop.Token);
            harness.ReadUntilSeen(expected);
            var letters = hostile.Reason is null ? [] : harness.Read("readings.dlq", 1);
            Assert.False(run.IsCompleted, $"{name}: the processor stopped.");
            await stop.CancelAsync();
            await run.WithinPatience();

            if (hostile.Reason is { } reason)
            {
                var letter = letters.Single();
                string Header(string key) => Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(key));
                Assert.Equal("5", Header(DeadLetterHeaders.SourceOffset));
                Assert.Equal(typeof(MessageFormatException).FullName, Header(DeadLetterHeaders.ExceptionType));
                Assert.True(Header(DeadLetterHeaders.ExceptionMessage).Contains(reason, StringComparison.Ordinal), $"{name}: the reason '{Header(DeadLetterHeaders.ExceptionMessage)}' does not say '{reason}'.");
                Assert.Equal(hostile.Value ?? [], letter.Message.Value ?? []);
            }
        }

        Assert.Equal(hostile.Reason is null ? 0 : 1, DeadLetterCount(harness));
        Assert.Equal(11, harness.CommittedTotal("doubler", partitions: 1));

        // A restart resumes past the hostile message, handles new rows and stops normally.
        await harness.Produce(KafkaHarness.Readings(10, 1));
        using var again = new CancellationTokenSource();
        var restarted = Runner(harness).RunAsync(again.Token);
        harness.ReadUntilSeen([10]);
        await again.CancelAsync();
        await restarted.WithinPatience();
        Assert.Equal(12, harness.CommittedTotal("doubler", partitions: 1));
    }

    private static ProcessorRunner<Reading, Doubled> Runner(KafkaHarness harness)
    {
        return new ProcessorRunner<Reading, Doubled>(harness.Options(), new TestProcessor<Reading, Doubled>
        {
            Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }),
            Event = (e, outputs, _, _) => default, // so events are handed on rather than skipped
        });
    }

    private static async Task ProduceHostile(KafkaHarness harness, Hostile hostile)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers }).Build();
        await producer.ProduceAsync("readings", new Message<byte[]?, byte[]?> { Key = hostile.Key, Value = hostile.Value, Headers = hostile.Headers });
    }

    private static long DeadLetterCount(KafkaHarness harness)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = harness.Kafka.BootstrapServers, GroupId = "counter" }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition("readings.dlq", 0), KafkaHarness.Patience).High.Value;
    }
}
