using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>A processor stopped on a message under <see cref="FailurePolicy.Stop"/>; the message and everything after it stay uncommitted.</summary>
public sealed class ProcessorStoppedException(string processor, TopicPartitionOffset source, Exception innerException)
    : Exception($"Processor '{processor}' stopped on {source}: {innerException.Message}", innerException)
{
    /// <summary>The processor.</summary>
    public string Processor { get; } = processor;

    /// <summary>The topic, partition and offset of the message it stopped on.</summary>
    public TopicPartitionOffset StoppedAt { get; } = source;
}
