using Confluent.Kafka;
using Pipelines.Sinks;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Sinks;

/// <summary>A table sink as the attribute declares it: the runtime writes.</summary>
[Sink<SensorReading>(SinkTarget.Sqlite, Table = "readings", ConnectionString = "Data Source=declared.db", Write = TableWrite.Upsert)]
public partial class ReadingArchive;

/// <summary>A table sink that leaves its database to configuration.</summary>
[Sink<SensorReading>(SinkTarget.Postgres, Table = "readings", GroupId = "archive-v2")]
public partial class ConfiguredArchive;

/// <summary>A sink that is its own target.</summary>
[Sink<SensorReading>]
public sealed partial class CountingSink : ISink<SensorReading>
{
    public Task<IReadOnlyDictionary<TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<TopicPartition, long>>(new Dictionary<TopicPartition, long>());

    public Task WriteAsync(SinkBatch<SensorReading> batch, CancellationToken cancellationToken) => Task.CompletedTask;
}
