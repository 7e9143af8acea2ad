using Confluent.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Publishing;

namespace Pipelines.IntegrationTests.Tables;

/// <summary>Writes the <c>sensor-names</c> table topic, as an outside writer would: names, and tombstones that delete them.</summary>
internal static class SensorNames
{
    public static void Name(KafkaHarness harness, params (string Sensor, string Name)[] names)
    {
        using var writer = new TopicWriter<SensorName>(new TopicWriterOptions { BootstrapServers = harness.Kafka.BootstrapServers });
        foreach (var (sensor, name) in names)
        {
            writer.Write(new SensorName { Sensor = sensor, Name = name });
        }
    }

    public static async Task Tombstone(KafkaHarness harness, string sensor)
    {
        using var producer = new ProducerBuilder<string, byte[]?>(harness.ProducerConfig()).Build();
        await producer.ProduceAsync("sensor-names", new Message<string, byte[]?> { Key = sensor, Value = null });
    }
}
