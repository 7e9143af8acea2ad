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

    [Fact]
    public void A_delivery_that_times_out_is_reported_once_and_the_writer_writes_on()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("readings", 1);
        var options = new TopicWriterOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            Kafka = new Dictionary<string, string> { ["message.timeout.ms"] = "1000", ["retry.backoff.ms"] = "250", ["retry.backoff.max.ms"] = "250" },
        };
        using var writer = new TopicWriter<Reading>(options);

        // Produce requests fail for longer than a message may wait: the first row times out.
        kafka.PushRequestErrors(0, Enumerable.Repeat(Confluent.Kafka.ErrorCode.NotEnoughReplicas, 12).ToArray());
        writer.Write(new Reading { Time = 1, Sensor = "s", Value = 1 });
        var failed = Assert.Throws<Confluent.Kafka.KafkaException>(() => writer.Flush());
        Assert.Equal(Confluent.Kafka.ErrorCode.Local_MsgTimedOut, failed.Error.Code);

        // The writer stays usable: once the errors are spent, a row goes through, and nothing is thrown again for the first.
        var written = 1;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            writer.Write(new Reading { Time = ++written, Sensor = "s", Value = written });
            try
            {
                writer.Flush();
                break;
            }
            catch (Confluent.Kafka.KafkaException exception) when (exception.Error.Code == Confluent.Kafka.ErrorCode.Local_MsgTimedOut)
            {
                // still within the errors pushed above
            }
        }

        writer.Flush();
        var read = TopicReader.Read<string>(kafka.BootstrapServers, "readings", 1).Select(r => MessageSerializer.Deserialize<Reading>(r.Message.Value).Time);
        Assert.Equal([(long)written], read);
    }
}
