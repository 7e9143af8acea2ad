using System.Buffers.Binary;
using Confluent.Kafka;
using Pipelines.Benchmarks.Processing;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace Pipelines.Benchmarks.State;

/// <summary>
/// The same aggregation in Streamiz (a .NET port of Kafka Streams): rows grouped by key into one-second tumbling
/// windows kept in its RocksDB window store (with its record cache on, its fastest setting), count and mean written
/// to an output topic. Counts the rows it aggregates on the <see cref="AggregationClock"/>, like <see cref="SpeedWindows"/>.
/// </summary>
internal static class StreamizWindows
{
    public const string ApplicationId = "streamiz-bench";
    public const string Store = "speed-store";

    /// <summary>The topics Streamiz needs, which the embedded broker cannot create on request.</summary>
    public static IEnumerable<string> InternalTopics => [$"{ApplicationId}-{Store}-changelog"];

    public static KafkaStream Start(string bootstrapServers, string input, string output, string stateDirectory)
    {
        var config = new StreamConfig<StringSerDes, RowSerDes>
        {
            ApplicationId = ApplicationId,
            BootstrapServers = bootstrapServers,
            StateDir = stateDirectory,
            CommitIntervalMs = 5000, // Pipelines' default commit interval
            DefaultCacheEnabled = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            FetchWaitMaxMs = 10, // as the Pipelines consumers: see WindowedAggregationBenchmarks
        };
        var builder = new StreamBuilder();
        builder.Stream<string, PassthroughRow>(input)
            .GroupByKey()
            .WindowedBy(TumblingWindowOptions.Of(TimeSpan.FromSeconds(1)))
            .Aggregate<(long Count, double Sum)>(
                () => (0, 0),
                (_, row, sum) =>
                {
                    AggregationClock.Row();
                    return (sum.Count + 1, sum.Sum + row.Speed);
                },
                RocksDbWindows.As<string, (long Count, double Sum)>(Store).WithValueSerdes<SumSerDes>(),
                null)
            .ToStream()
            .Map<string, double>((key, sum, _) => KeyValuePair.Create(key.Key, sum.Sum / sum.Count))
            .To<StringSerDes, DoubleSerDes>(output);
        var stream = new KafkaStream(builder.Build(), config);
        stream.StartAsync().GetAwaiter().GetResult();
        return stream;
    }

    /// <summary>Rows with Pipelines' serializer: the same bytes both sides read.</summary>
    public sealed class RowSerDes : AbstractSerDes<PassthroughRow>
    {
        public override byte[] Serialize(PassthroughRow data, SerializationContext context) => MessageSerializer.Serialize(data);

        public override PassthroughRow Deserialize(byte[] data, SerializationContext context) => MessageSerializer.Deserialize<PassthroughRow>(data);
    }

    public sealed class SumSerDes : AbstractSerDes<(long Count, double Sum)>
    {
        public override byte[] Serialize((long Count, double Sum) data, SerializationContext context)
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteInt64BigEndian(bytes, data.Count);
            BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(8), data.Sum);
            return bytes;
        }

        public override (long Count, double Sum) Deserialize(byte[] data, SerializationContext context) =>
            (BinaryPrimitives.ReadInt64BigEndian(data), BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(8)));
    }
}
