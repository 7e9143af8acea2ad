using System.Collections.Concurrent;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Sinks;

namespace Pipelines.IntegrationTests.Hosting;

/// <summary>A [Sink] that is its own target: it keeps the Doubler's rows and their positions in memory, so the generated AddPipelines runs it.</summary>
[Sink<Doubled>]
public sealed partial class DoubledArchive : ISink<Doubled>
{
    private readonly ConcurrentDictionary<TopicPartition, long> positions = new();

    public static ConcurrentQueue<double> Written { get; } = new();

    /// <summary>Released once per row written, so a test can wait for rows without polling.</summary>
    public static SemaphoreSlim Arrived { get; } = new(0);

    public Task<IReadOnlyDictionary<TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<TopicPartition, long>>(partitions.Where(positions.ContainsKey).ToDictionary(p => p, p => positions[p]));

    public Task WriteAsync(SinkBatch<Doubled> batch, CancellationToken cancellationToken)
    {
        foreach (var position in batch.Positions)
        {
            positions[new TopicPartition(position.Topic, position.Partition)] = position.To;
        }

        foreach (var row in batch.Rows)
        {
            Written.Enqueue(row.Value);
            Arrived.Release();
        }

        return Task.CompletedTask;
    }
}
