using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;

namespace Pipelines.Hosting;

/// <summary>
/// The Kafka cluster the host's processors use: the configured one, or, when none is configured, an embedded
/// in-memory broker started on first use, so a newcomer runs a pipeline with nothing installed.
/// </summary>
public sealed class KafkaConnection : IDisposable
{
    // librdkafka's mock coordinator ignores LeaveGroup, so a restarted member would wait out a 45 s session.
    private static readonly Dictionary<string, string> EmbeddedConsumerDefaults = new()
    {
        ["session.timeout.ms"] = "3000",
        ["heartbeat.interval.ms"] = "500",
    };

    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(10);

    private readonly PipelinesSettings settings;
    private readonly ILogger<KafkaConnection> logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Task<int>> ensured = new(StringComparer.Ordinal);
    private IAdminClient? admin;
    private EmbeddedKafka? embedded;
    private Pipelines.Kafka.Embedded.EmbeddedSchemaRegistry? embeddedRegistry;
    private Confluent.SchemaRegistry.ISchemaRegistryClient? registryClient;
    private bool? standaloneEmbedded;

    /// <summary>Creates the connection; nothing starts until <see cref="BootstrapServers"/> is first read.</summary>
    internal KafkaConnection(PipelinesSettings settings, ILogger<KafkaConnection> logger)
    {
        this.settings = settings;
        this.logger = logger;
    }

    /// <summary>Whether the processors run on the embedded broker.</summary>
    public bool IsEmbedded => settings.BootstrapServers is null;

    /// <summary>The brokers' addresses; starts the embedded broker if it is the one in use.</summary>
    public string BootstrapServers => settings.BootstrapServers ?? Embedded.BootstrapServers;

    /// <summary>The host's <c>Pipelines:Kafka</c> librdkafka settings (security, for one): every client of the cluster needs them.</summary>
    internal IReadOnlyDictionary<string, string> ClientSettings => settings.Kafka;

    /// <summary>librdkafka settings every consumer of this connection gets before its own.</summary>
    public IReadOnlyDictionary<string, string> ConsumerDefaults => OnEmbeddedBroker ? EmbeddedConsumerDefaults : new Dictionary<string, string>();

    /// <summary>
    /// Whether the cluster is an embedded broker: the one started here, one this process started (a test's
    /// <see cref="EmbeddedKafka"/>) and configured, or one run on its own (src/Pipelines.EmbeddedBroker) that answers on
    /// its control socket. Topics are then created through it (the mock answers no CreateTopics request), and consumers
    /// get the short session the mock's coordinator needs.
    /// </summary>
    private bool OnEmbeddedBroker => LocalBroker is not null || IsStandaloneEmbedded;

    /// <summary>The embedded cluster in this process that serves the connection, or null.</summary>
    private EmbeddedKafka? LocalBroker => settings.BootstrapServers is { } servers ? EmbeddedKafka.InThisProcess(servers) : Embedded;

    private bool IsStandaloneEmbedded
    {
        get
        {
            lock (gate)
            {
                return standaloneEmbedded ??= settings.BootstrapServers is { } servers && EmbeddedKafkaControl.IsServed(servers);
            }
        }
    }

    /// <summary>
    /// Where processors keep state unless configured otherwise: on an embedded broker of this process (the one started
    /// here, or a test's), a directory of that broker alone, deleted with it, since state kept on disk must not outlive
    /// the changelogs it was restored from; otherwise <see langword="null"/>, the processors' own default.
    /// </summary>
    internal string? DefaultStateDirectory => LocalBroker?.StateDirectory;

    /// <summary>Creates any of <paramref name="topics"/> that does not exist yet, with <c>Pipelines:TopicPartitions</c> partitions.</summary>
    /// <remarks>
    /// When this returns, every topic exists (or, on a cluster that cannot create topics, its creation was asked for):
    /// a caller that asks for a topic another caller is creating waits for that creation to finish.
    /// </remarks>
    public Task EnsureTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken) =>
        Task.WhenAll(topics.Distinct(StringComparer.Ordinal).Select(t => EnsureAsync(t, settings.TopicPartitions, compacted: false))).WaitAsync(cancellationToken);

    /// <summary>
    /// Creates any of <paramref name="topics"/> that does not exist yet with as many partitions as
    /// <paramref name="partitionsOf"/> (itself created with <c>Pipelines:TopicPartitions</c> if missing): for topics whose
    /// keys must meet theirs partition by partition, such as a partitioned table or the other topic of a join. Topics
    /// that exist are left as they are; a processor that needs them co-partitioned checks the counts when it starts.
    /// </summary>
    public async Task EnsureCopartitionedTopicsAsync(string partitionsOf, IEnumerable<string> topics, CancellationToken cancellationToken)
    {
        var partitions = await EnsureAsync(partitionsOf, settings.TopicPartitions, compacted: false).WaitAsync(cancellationToken);
        await Task.WhenAll(topics.Distinct(StringComparer.Ordinal).Select(t => EnsureAsync(t, partitions, compacted: false))).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Creates a processor's inputs unless they exist and returns their partition count. Several inputs meet partition
    /// by partition, so one that is missing is made with the partition count of the first that exists.
    /// </summary>
    internal async Task<int> EnsureInputsAsync(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        var first = inputs.Count == 1 ? inputs[0] : await Task.Run(() => inputs.FirstOrDefault(i => PartitionsOf(i) is not null) ?? inputs[0], cancellationToken);
        await EnsureCopartitionedTopicsAsync(first, inputs, cancellationToken);
        return await EnsureAsync(first, settings.TopicPartitions, compacted: false);
    }

    /// <summary>
    /// Creates the changelog of a processor's state unless it exists: with as many partitions as its input (a changelog
    /// partition holds the state of the input partition of the same number) and, on a real cluster, compacted, so the
    /// latest record of each key is kept however long the state lives (the embedded broker does not compact). An
    /// existing changelog must have the input's partition count.
    /// </summary>
    /// <exception cref="StateStoreException">The changelog exists with another partition count than the input.</exception>
    internal async Task EnsureChangelogAsync(string changelog, string input, CancellationToken cancellationToken)
    {
        var partitions = await EnsureAsync(input, settings.TopicPartitions, compacted: false).WaitAsync(cancellationToken);
        var count = await EnsureAsync(changelog, partitions, compacted: true).WaitAsync(cancellationToken);
        if (count != partitions)
        {
            throw new StateStoreException(
                $"The state changelog '{changelog}' has {count} partitions, but its input '{input}' has {partitions}: each input partition keeps its state in the changelog partition of the same number. " +
                "Recreate the changelog with the input's partition count (its state is then rebuilt from the input's retained rows only), or restore the input's partition count.");
        }
    }

    /// <summary>
    /// Creates the topic of a table read partition by partition beside <paramref name="input"/> unless it exists: with
    /// the input's partition count and, on a real cluster, compacted (a table needs only each key's latest row). An
    /// existing topic is left as it is; the processor checks the two counts when it starts.
    /// </summary>
    internal async Task EnsurePartitionedTableAsync(string table, string input, CancellationToken cancellationToken)
    {
        var partitions = await EnsureAsync(input, settings.TopicPartitions, compacted: false).WaitAsync(cancellationToken);
        await EnsureAsync(table, partitions, compacted: true).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Makes sure <paramref name="topic"/> exists, creating it with <paramref name="partitions"/> if it does not, and
    /// returns its partition count. Each topic is made sure of once per connection: a second caller gets the first
    /// one's answer, after the topic exists; a creation that failed is tried again by the next caller.
    /// </summary>
    private async Task<int> EnsureAsync(string topic, int partitions, bool compacted)
    {
        Task<int>? known;
        var creation = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (!ensured.TryGetValue(topic, out known))
            {
                ensured[topic] = creation.Task;
            }
        }

        if (known is not null)
        {
            return await known;
        }

        try
        {
            var count = await CreateAsync(topic, partitions, compacted);
            creation.SetResult(count);
            return count;
        }
        catch (Exception exception)
        {
            lock (gate)
            {
                ensured.Remove(topic);
            }

            creation.SetException(exception);
            _ = creation.Task.Exception; // observed here; a caller waiting on it sees it too
            throw;
        }
    }

    /// <summary>Creates <paramref name="topic"/> unless it exists; returns its partition count.</summary>
    private async Task<int> CreateAsync(string topic, int partitions, bool compacted)
    {
        if (LocalBroker is { } local)
        {
            try
            {
                // The embedded broker's own API: it neither waits for a controller nor takes topic configs (it does not compact).
                local.CreateTopic(topic, partitions);
                return partitions;
            }
            catch (KafkaException exception) when (exception.Error.Code == ErrorCode.TopicAlreadyExists)
            {
                // A client got there first (the embedded broker auto-creates topics on use): it exists, which is what matters.
                return PartitionsOf(topic) ?? partitions;
            }
        }

        if (IsStandaloneEmbedded)
        {
            // Through its control socket. Should it have gone meanwhile, its auto-creation remains.
            switch (await EmbeddedKafkaControl.CreateTopicAsync(BootstrapServers, topic, partitions, CancellationToken.None))
            {
                case TopicCreation.Created:
                    return partitions;
                case TopicCreation.Existed:
                    return PartitionsOf(topic) ?? partitions;
                default:
                    Log.TopicsNotCreated(logger, topic, "the embedded broker's control socket did not answer");
                    return partitions;
            }
        }

        if (PartitionsOf(topic) is { } existing)
        {
            return existing;
        }

        var specification = new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 };
        if (compacted)
        {
            specification.Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" };
        }

        try
        {
            await Admin.CreateTopicsAsync([specification], new CreateTopicsOptions { RequestTimeout = AdminTimeout });
            return partitions;
        }
        catch (CreateTopicsException exception) when (exception.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Someone else created it first: what matters is that it exists.
            return PartitionsOf(topic) ?? partitions;
        }
        catch (KafkaException exception) when (exception.Error.Code == ErrorCode.Local_TimedOut)
        {
            // No controller answered. Clusters with auto.create.topics.enable create a topic when a client first uses it.
            Log.TopicsNotCreated(logger, topic, exception.Error.Reason);
            return partitions;
        }
    }

    /// <summary>The partition count of <paramref name="topic"/>, or <see langword="null"/> if it does not exist.</summary>
    /// <remarks>Reads the metadata of every topic: asking for one by name lets a cluster that auto-creates topics create it.</remarks>
    private int? PartitionsOf(string topic) =>
        Admin.GetMetadata(AdminTimeout).Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError)?.Partitions.Count;

    /// <summary>The connection's admin client, made on first use: only the settings an admin client takes, and its log through the connection's logger.</summary>
    private IAdminClient Admin
    {
        get
        {
            lock (gate)
            {
                return admin ??= new AdminClientBuilder(KafkaSettings.Admin(BootstrapServers, settings.Kafka))
                    .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
                    .Build();
            }
        }
    }

    /// <summary>
    /// The Schema Registry client of this host: the registry <c>Pipelines:SchemaRegistry:Url</c> names, with the section's
    /// other settings; without one, on the embedded broker, a registry started beside it (and stopped with it).
    /// </summary>
    /// <exception cref="PipelinesConfigurationException">No registry is configured and the broker is a real cluster.</exception>
    public Confluent.SchemaRegistry.ISchemaRegistryClient SchemaRegistry
    {
        get
        {
            lock (gate)
            {
                return registryClient ??= CreateRegistryClient();
            }
        }
    }

    /// <summary>
    /// How the registry subjects of Avro and JSON Schema topics are named: <c>Pipelines:SchemaRegistry:SubjectNameStrategy</c>,
    /// Confluent's <c>Topic</c> (<c>&lt;topic&gt;-value</c>, the default), <c>Record</c> or <c>TopicRecord</c>.
    /// </summary>
    /// <exception cref="PipelinesConfigurationException">The setting names no strategy.</exception>
    public Confluent.SchemaRegistry.SubjectNameStrategy SubjectNameStrategy =>
        !settings.SchemaRegistry.TryGetValue(SubjectNameStrategyKey, out var value) ? Confluent.SchemaRegistry.SubjectNameStrategy.Topic
        : Enum.TryParse<Confluent.SchemaRegistry.SubjectNameStrategy>(value, ignoreCase: true, out var strategy) && strategy is Confluent.SchemaRegistry.SubjectNameStrategy.Topic or Confluent.SchemaRegistry.SubjectNameStrategy.Record or Confluent.SchemaRegistry.SubjectNameStrategy.TopicRecord ? strategy
        : throw new PipelinesConfigurationException("Pipelines:SchemaRegistry:" + SubjectNameStrategyKey, $"is '{value}'; use Topic (<topic>-value, the default), Record (the contract's full name) or TopicRecord (<topic>-<full name>)");

    // Pipelines' own key in the section; every other key is the registry client's.
    private const string SubjectNameStrategyKey = "SubjectNameStrategy";

    private Confluent.SchemaRegistry.ISchemaRegistryClient CreateRegistryClient()
    {
        var config = new Confluent.SchemaRegistry.SchemaRegistryConfig();
        foreach (var (key, value) in settings.SchemaRegistry.Where(s => s.Key != SubjectNameStrategyKey))
        {
            config.Set(key.Equals("Url", StringComparison.OrdinalIgnoreCase) ? "schema.registry.url" : key.StartsWith("schema.registry.", StringComparison.Ordinal) ? key : "schema.registry." + key, value);
        }

        if (string.IsNullOrWhiteSpace(config.Url))
        {
            if (!OnEmbeddedBroker)
            {
                throw new PipelinesConfigurationException("Pipelines:SchemaRegistry:Url", "is not set; a host on a Kafka cluster needs its Schema Registry's URL to use one (only the embedded broker brings a registry of its own)");
            }

            embeddedRegistry = Kafka.Embedded.EmbeddedSchemaRegistry.Start();
            config.Url = embeddedRegistry.Url;
        }

        return new Confluent.SchemaRegistry.CachedSchemaRegistryClient(config);
    }

    /// <summary>Stops the embedded broker and registry, if they were started, which deletes the state kept beside them.</summary>
    public void Dispose()
    {
        admin?.Dispose();
        registryClient?.Dispose();
        embeddedRegistry?.Dispose();
        embedded?.Dispose();
    }

    private EmbeddedKafka Embedded
    {
        get
        {
            lock (gate)
            {
                if (embedded is null)
                {
                    embedded = EmbeddedKafka.Start();
                    Log.EmbeddedBroker(logger, embedded.BootstrapServers);
                }

                return embedded;
            }
        }
    }
}
