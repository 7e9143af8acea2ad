namespace Pipelines.Publishing;

/// <summary>How a <see cref="TopicWriter{T}"/> writes.</summary>
public sealed record TopicWriterOptions
{
    /// <summary>The Kafka brokers (in a host: <c>KafkaConnection.BootstrapServers</c>, which is the embedded broker's when none is configured).</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>The topic, instead of the contract's <see cref="TopicAttribute"/>.</summary>
    public string? Topic { get; init; }

    /// <summary>Packs rows many per message, by the rules of <see cref="BufferAttribute"/> (off by default; Reorder does not apply).</summary>
    public Processing.BufferOptions? Buffer { get; init; }

    /// <summary>How messages are compressed (<see cref="Pipelines.Compression.Lz4"/> by default, as processors).</summary>
    public Compression Compression { get; init; } = Compression.Lz4;

    /// <summary>Larger values are written as chunks that readers join (see <see cref="Processing.ProcessorOptions.MaxMessageBytes"/>).</summary>
    public int MaxMessageBytes { get; init; } = 1_000_000;

    /// <summary>Linger 4 ms instead of 5 (see <see cref="Processing.ProcessorOptions.LowLatency"/>).</summary>
    public bool LowLatency { get; init; }

    /// <summary>
    /// The Schema Registry, for a contract on an Avro or JSON Schema topic (<see cref="TopicFormat"/>): the writer
    /// registers the contract's schema under <c>&lt;topic&gt;-value</c> when it is created. In a host, resolve
    /// <see cref="Confluent.SchemaRegistry.ISchemaRegistryClient"/> from the container.
    /// </summary>
    public Confluent.SchemaRegistry.ISchemaRegistryClient? SchemaRegistry { get; init; }

    /// <summary>
    /// How the registry subject of an Avro or JSON Schema topic is named: Confluent's <c>Topic</c> (<c>&lt;topic&gt;-value</c>,
    /// the default), <c>Record</c> (the contract's full name) or <c>TopicRecord</c> (<c>&lt;topic&gt;-&lt;full name&gt;</c>).
    /// In a host, <c>Pipelines:SchemaRegistry:SubjectNameStrategy</c>.
    /// </summary>
    public Confluent.SchemaRegistry.SubjectNameStrategy SubjectNameStrategy { get; init; }

    /// <summary>Further librdkafka producer settings (security, tuning).</summary>
    public IReadOnlyDictionary<string, string> Kafka { get; init; } = new Dictionary<string, string>();

    /// <summary>Throws with the name of the first invalid setting of a writer of <paramref name="topic"/> and its rows' <paramref name="schema"/>.</summary>
    internal void Validate(string topic, MessageSchema schema)
    {
        var subject = $"TopicWriter of '{topic}'";
        Processing.SettingChecks.RequireProducer(subject, BootstrapServers, Compression, MaxMessageBytes);
        Buffer?.Validate(subject, nameof(Buffer), schema, hasFlushHook: false, isInput: false);
    }
}
