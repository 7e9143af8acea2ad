using Confluent.Kafka;
using Pipelines.Benchmarks.Processing;
using Pipelines.Benchmarks.State;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Table;
using Streamiz.Kafka.Net.Stream;

namespace Pipelines.Benchmarks.Joins;

/// <summary>
/// The same lookup join in Streamiz (a .NET port of Kafka Streams): a stream joined with a GlobalKTable of the registry
/// (its in-memory store), each row copied with the car's team and written to an output topic. It calls
/// <paramref name="joined"/> for each row it joins, after waiting at <paramref name="gate"/>.
/// </summary>
internal static class StreamizLookup
{
    public static KafkaStream Start(string bootstrapServers, string input, string output, string table, string stateDirectory, ManualResetEventSlim gate, Action joined)
    {
        var config = Config("streamiz-lookup", bootstrapServers, stateDirectory);
        var builder = new StreamBuilder();
        var registry = builder.GlobalTable<string, CarRegistration, StringSerDes, RegistrationSerDes>(table, InMemory.As<string, CarRegistration>("registry-store"));
        builder.Stream<string, PassthroughRow>(input)
            .Join(registry, (key, _) => key, (row, registration) =>
            {
                gate.Wait();
                var copy = row.Copy();
                copy.Rpm = registration.Team;
                joined();
                return copy;
            })
            .To<StringSerDes, StreamizWindows.RowSerDes>(output);
        var stream = new KafkaStream(builder.Build(), config);
        stream.StartAsync().GetAwaiter().GetResult();
        return stream;
    }

    /// <summary>What every Streamiz join here runs with: Pipelines' commit interval, the embedded broker's short session and fetch wait.</summary>
    public static StreamConfig<StringSerDes, StreamizWindows.RowSerDes> Config(string applicationId, string bootstrapServers, string stateDirectory) => new()
    {
        ApplicationId = applicationId,
        BootstrapServers = bootstrapServers,
        StateDir = stateDirectory,
        CommitIntervalMs = 5000,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeoutMs = 6000,
        HeartbeatIntervalMs = 500,
        FetchWaitMaxMs = 10, // the embedded broker holds an empty fetch for all of it: see WindowedAggregationBenchmarks
    };

    public sealed class RegistrationSerDes : AbstractSerDes<CarRegistration>
    {
        public override byte[] Serialize(CarRegistration data, SerializationContext context) => MessageSerializer.Serialize(data);

        public override CarRegistration Deserialize(byte[] data, SerializationContext context) => MessageSerializer.Deserialize<CarRegistration>(data);
    }
}
