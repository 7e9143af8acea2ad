using Pipelines.Kafka.Embedded.SchemaRegistry;

namespace Pipelines.Kafka.Embedded;

/// <summary>
/// A Schema Registry in this process, beside the embedded broker, so that Avro and JSON Schema topics work with nothing
/// installed: the REST API Confluent's clients and serializers use (subjects, versions, schemas by id, lookups,
/// compatibility levels and tests), on the loopback interface. Avro compatibility follows Avro's schema-resolution
/// rules (backward, forward, full, and their transitive forms); JSON schemas are stored and served, and registered
/// after the first only at level NONE. Schema references are refused. It keeps everything in memory: gone with it.
/// </summary>
public sealed class EmbeddedSchemaRegistry : IDisposable
{
    private readonly RegistryServer server;

    private EmbeddedSchemaRegistry() => server = new RegistryServer();

    /// <summary>The URL clients are given, <c>http://127.0.0.1:port</c> (Confluent's <c>SchemaRegistryConfig.Url</c>).</summary>
    public string Url => server.Url;

    /// <summary>Starts a registry on a free loopback port.</summary>
    public static EmbeddedSchemaRegistry Start() => new();

    /// <summary>Stops serving; what it held is gone.</summary>
    public void Dispose() => server.Dispose();
}
