using Microsoft.Extensions.Logging;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Kafka.Embedded;
using Pipelines.Publishing;

namespace Pipelines.IntegrationTests.Kafka;

public class TopicWriterTests
{
    [Fact]
    public void A_writer_given_a_logger_passes_librdkafkas_own_messages_to_it()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("readings", 1);
        var logger = new ListLogger();

        using (var writer = new TopicWriter<Reading>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers, Kafka = new Dictionary<string, string> { ["debug"] = "msg" } }, logger))
        {
            writer.Write(new Reading { Time = 1, Sensor = "s", Value = 1 });
            writer.Flush();
        }

        Assert.Contains(logger.At(LogLevel.Debug), m => m.StartsWith("librdkafka ", StringComparison.Ordinal));
    }
}
