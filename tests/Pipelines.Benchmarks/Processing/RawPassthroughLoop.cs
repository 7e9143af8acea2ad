using Confluent.Kafka;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// The baseline the processor benchmarks compare with: the consume → produce loop people write by hand, forwarding
/// each message's key, value and headers unchanged.
/// </summary>
internal static class RawPassthroughLoop
{
    /// <summary>
    /// Starts the loop on a thread of its own, as every benchmark runs it: group <c>raw</c>, reading <c>raw-in</c> from
    /// the start and writing <c>raw-out</c> with an idempotent producer, like a processor's.
    /// </summary>
    public static Task Start(string bootstrapServers, IDictionary<string, string>? consumerSettings, Action acknowledged, ManualResetEventSlim gate, CancellationToken stop) =>
        Task.Factory.StartNew(
            () => Run(
                new ConsumerConfig(consumerSettings ?? new Dictionary<string, string>()) { BootstrapServers = bootstrapServers, GroupId = "raw", AutoOffsetReset = AutoOffsetReset.Earliest },
                new ProducerConfig { BootstrapServers = bootstrapServers, EnableIdempotence = true },
                "raw-in",
                "raw-out",
                acknowledged,
                gate,
                stop),
            TaskCreationOptions.LongRunning);

    /// <summary>
    /// Runs until <paramref name="stop"/>; each consumed message waits at <paramref name="gate"/>, if given, before it
    /// is produced, and <paramref name="acknowledged"/>, if given, is called for each output the broker acknowledged.
    /// </summary>
    public static void Run(ConsumerConfig consumerConfig, ProducerConfig producerConfig, string input, string output, Action? acknowledged, ManualResetEventSlim? gate, CancellationToken stop)
    {
        Action<DeliveryReport<byte[], byte[]>>? onDelivered = acknowledged is null ? null : report =>
        {
            if (!report.Error.IsError)
            {
                acknowledged();
            }
        };
        using var producer = new ProducerBuilder<byte[], byte[]>(producerConfig).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(consumerConfig).Build();
        consumer.Subscribe(input);
        while (!stop.IsCancellationRequested)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                gate?.Wait();
                producer.Produce(output, new Message<byte[], byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = result.Message.Headers }, onDelivered);
            }
        }

        producer.Flush();
        consumer.Close();
    }
}
