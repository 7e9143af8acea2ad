using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.Publishing;

/// <summary>
/// One producer that several topic writers write through (the HTTP writers of every contract a host maps): one set of
/// connections, buffers and librdkafka threads, and messages of many writers in one request to a broker. Disposed by its
/// owner, after the writers.
/// </summary>
internal sealed class SharedProducer : IDisposable
{
    /// <param name="options">The producer's settings (bootstrap servers, compression, linger, Kafka settings); every writer sharing it writes with them.</param>
    /// <param name="logger">Where librdkafka's own messages go (docs/logging.md, id 600).</param>
    public SharedProducer(TopicWriterOptions options, ILogger? logger) => Producer = Build(options, logger);

    public IProducer<byte[]?, byte[]?> Producer { get; }

    /// <summary>A producer with a topic writer's settings, its librdkafka messages to <paramref name="logger"/>.</summary>
    public static IProducer<byte[]?, byte[]?> Build(TopicWriterOptions options, ILogger? logger)
    {
        var builder = new ProducerBuilder<byte[]?, byte[]?>(KafkaSettings.Producer(options));
        if (logger is not null)
        {
            builder.SetLogHandler((_, message) => Log.Librdkafka(logger, message));
        }

        return builder.Build();
    }

    public void Dispose() => Producer.Dispose();
}
