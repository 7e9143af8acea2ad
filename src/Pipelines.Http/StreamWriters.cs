using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;
using Pipelines.Infrastructure;
using Pipelines.Publishing;

namespace Pipelines.Http;

/// <summary>
/// The host's HTTP writers, one per contract and options, created on first use and disposed (flushed) with the host;
/// all write through one producer.
/// </summary>
internal sealed class StreamWriters : IDisposable
{
    private readonly ConcurrentDictionary<(Type Contract, StreamWriterOptions Options), Lazy<IDisposable>> writers = new();
    private readonly KafkaConnection kafka;
    private readonly Lazy<SharedProducer> producer;

    public StreamWriters(KafkaConnection kafka, ILoggerFactory loggers)
    {
        this.kafka = kafka;
        // With the host's Pipelines:Kafka settings: on a cluster that wants credentials, a producer without them gets nowhere.
        producer = new(() => new SharedProducer(ProducerOptions, loggers.CreateLogger("Pipelines.Http.Producer")));
    }

    /// <summary>The shared producer's settings.</summary>
    internal TopicWriterOptions ProducerOptions => new() { BootstrapServers = kafka.BootstrapServers, Kafka = kafka.ClientSettings };

    /// <summary>
    /// The writer of <typeparamref name="T"/>'s mappings with <paramref name="options"/>: a mapping with options of its
    /// own gets its own buffer and its own bound on rows waiting for the broker.
    /// </summary>
    /// <exception cref="Confluent.Kafka.KafkaException">The topic could not be made (the cluster away); the next call tries again.</exception>
    public HttpTopicWriter<T> For<T>(StreamWriterOptions options)
        where T : IMessageContract<T>
    {
        var key = (typeof(T), options);
        var writer = writers.GetOrAdd(key, _ => new Lazy<IDisposable>(() => Create<T>(options)));
        try
        {
            return (HttpTopicWriter<T>)writer.Value;
        }
        catch
        {
            // A writer that could not be made is not kept: the next request makes it again.
            writers.TryRemove(new(key, writer));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var writer in writers.Values.Where(w => w.IsValueCreated))
        {
            writer.Value.Dispose();
        }

        if (producer.IsValueCreated)
        {
            producer.Value.Dispose();
        }
    }

    private HttpTopicWriter<T> Create<T>(StreamWriterOptions options)
        where T : IMessageContract<T>
    {
        var schema = T.Serializer.Schema;
        var topic = schema.Topic ?? throw new InvalidOperationException($"{schema.Name} has no [Topic]: an HTTP writer writes its contract's topic.");
        kafka.EnsureTopicsAsync([topic], CancellationToken.None).GetAwaiter().GetResult();
        var writer = new TopicWriter<T>(
            new TopicWriterOptions
            {
                BootstrapServers = kafka.BootstrapServers,
                Buffer = options.Buffer,
                SchemaRegistry = ContractFormat.NeedsRegistry(schema) ? kafka.SchemaRegistry : null,
                SubjectNameStrategy = kafka.SubjectNameStrategy,
            },
            producer.Value);
        return new HttpTopicWriter<T>(writer, options.MaxPendingRows);
    }
}
