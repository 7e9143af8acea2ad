using Pipelines.Benchmarks.Processing;
using Pipelines.Benchmarks.State;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Table;

namespace Pipelines.Benchmarks.Joins;

/// <summary>
/// The co-partitioned lookup join in Streamiz: a stream left-joined with a KTable of the registry (an in-memory store
/// kept by partition, as Kafka Streams keeps a KTable), each row copied with the car's team and written to an output
/// topic. Left, not inner, so that a row never goes uncounted while the table is still being read. It calls
/// <paramref name="joined"/> for each row it joins, after waiting at <paramref name="gate"/>.
/// </summary>
internal static class StreamizTableJoin
{
    public const string ApplicationId = "streamiz-ktable";
    public const string Store = "registry-table-store";

    /// <summary>The changelog Kafka Streams' naming would give the table's store; created beforehand, since the embedded broker cannot create topics on request.</summary>
    public const string Changelog = ApplicationId + "-" + Store + "-changelog";

    public static KafkaStream Start(string bootstrapServers, string input, string output, string table, string stateDirectory, ManualResetEventSlim gate, Action joined)
    {
        var config = StreamizLookup.Config(ApplicationId, bootstrapServers, stateDirectory);
        var builder = new StreamBuilder();
        var registry = builder.Table<string, CarRegistration, StringSerDes, StreamizLookup.RegistrationSerDes>(table, InMemory.As<string, CarRegistration>(Store));
        builder.Stream<string, PassthroughRow>(input)
            .LeftJoin(registry, (PassthroughRow row, CarRegistration registration) =>
            {
                gate.Wait();
                var copy = row.Copy();
                copy.Rpm = registration?.Team ?? -1;
                joined();
                return copy;
            })
            .To<StringSerDes, StreamizWindows.RowSerDes>(output);
        var stream = new KafkaStream(builder.Build(), config);
        stream.StartAsync().GetAwaiter().GetResult();
        return stream;
    }
}
