namespace Pipelines.Kafka.Embedded;

/// <summary>Settings of an <see cref="EmbeddedKafka"/> cluster.</summary>
public sealed record EmbeddedKafkaOptions
{
    /// <summary>How many brokers the cluster has (1 by default; 3 to exercise leader changes and broker stops).</summary>
    public int Brokers { get; init; } = 1;

    /// <summary>
    /// How long a new consumer group waits for more members before its first assignment. Kafka's brokers wait
    /// 3 s; the embedded cluster defaults to none, so a newcomer's pipeline starts at once.
    /// </summary>
    public TimeSpan GroupInitialRebalanceDelay { get; init; } = TimeSpan.Zero;
}
