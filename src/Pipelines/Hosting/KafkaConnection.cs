using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Kafka.Embedded;

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
    private readonly HashSet<string> createdTopics = new(StringComparer.Ordinal);
    private EmbeddedKafka? embedded;
    private string? embeddedStateDirectory;
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
    /// Where processors keep state unless configured otherwise: on the embedded broker, a directory of this connection
    /// alone, deleted with it, since state kept on disk must not outlive the changelog it was restored from (a new
    /// embedded broker starts empty); otherwise <see langword="null"/>, the processors' own default.
    /// </summary>
    internal string? DefaultStateDirectory
    {
        get
        {
            if (!IsEmbedded)
            {
                return null;
            }

            lock (gate)
            {
                return embeddedStateDirectory ??= Path.Combine(Path.GetTempPath(), "pipelines-state", "embedded-" + Guid.NewGuid().ToString("N"));
            }
        }
    }

    /// <summary>Creates any of <paramref name="topics"/> that do not exist yet, with the configured partitions.</summary>
    public async Task EnsureTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken)
    {
        List<string> missing;
        lock (gate)
        {
            missing = topics.Where(createdTopics.Add).ToList();
        }

        if (missing.Count == 0)
        {
            return;
        }

        using var admin = OnEmbeddedBroker ? null : Admin();
        if (admin is not null)
        {
            var existing = admin.GetMetadata(AdminTimeout).Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
            missing.RemoveAll(existing.Contains);
        }

        await CreateAsync(admin, missing.Select(t => new TopicSpecification { Name = t, NumPartitions = settings.TopicPartitions, ReplicationFactor = -1 }).ToList());
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
        var (existing, partitions) = await EnsureLikeInputAsync(changelog, input);
        if (existing is { } count && count != partitions)
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
    internal Task EnsurePartitionedTableAsync(string table, string input) => EnsureLikeInputAsync(table, input);

    /// <summary>Creates <paramref name="topic"/>, compacted, with as many partitions as <paramref name="input"/>, unless it exists; returns its partition count if it existed, and the input's.</summary>
    private async Task<(int? Existing, int Input)> EnsureLikeInputAsync(string topic, string input)
    {
        // Metadata even on the embedded broker: the input's partition count may not be TopicPartitions.
        using var admin = Admin();
        var topics = admin.GetMetadata(AdminTimeout).Topics.Where(t => t.Error.Code == ErrorCode.NoError).ToDictionary(t => t.Topic, t => t.Partitions.Count, StringComparer.Ordinal);
        var partitions = topics.GetValueOrDefault(input, settings.TopicPartitions);
        if (topics.TryGetValue(topic, out var existing))
        {
            return (existing, partitions);
        }

        lock (gate)
        {
            createdTopics.Add(topic);
        }

        var compacted = new Dictionary<string, string> { ["cleanup.policy"] = "compact" };
        await CreateAsync(OnEmbeddedBroker ? null : admin, [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1, Configs = compacted }]);
        return (null, partitions);
    }

    private IAdminClient Admin() =>
        new AdminClientBuilder(new AdminClientConfig(new Dictionary<string, string>(settings.Kafka)) { BootstrapServers = BootstrapServers }).Build();

    /// <summary>Creates <paramref name="topics"/> through <paramref name="admin"/>, or on the embedded broker when it is null; one that exists already is fine.</summary>
    private async Task CreateAsync(IAdminClient? admin, IReadOnlyList<TopicSpecification> topics)
    {
        if (topics.Count == 0)
        {
            return;
        }

        if (admin is null && LocalBroker is null)
        {
            // The standalone embedded broker, through its control socket. Should it have gone meanwhile, its auto-creation remains.
            foreach (var topic in topics)
            {
                if (!await EmbeddedKafkaControl.TryCreateTopicAsync(BootstrapServers, topic.Name, topic.NumPartitions, CancellationToken.None))
                {
                    Log.TopicsNotCreated(logger, topic.Name, "the embedded broker's control socket did not answer");
                }
            }

            return;
        }

        if (admin is null)
        {
            foreach (var topic in topics)
            {
                try
                {
                    // The embedded broker's own API: it neither waits for a controller nor takes topic configs (it does not compact).
                    LocalBroker!.CreateTopic(topic.Name, topic.NumPartitions);
                }
                catch (KafkaException exception) when (exception.Error.Code == ErrorCode.TopicAlreadyExists)
                {
                    // A client got there first (the embedded broker auto-creates topics on use): it exists, which is what matters.
                }
            }

            return;
        }

        try
        {
            await admin.CreateTopicsAsync(topics, new CreateTopicsOptions { RequestTimeout = AdminTimeout });
        }
        catch (CreateTopicsException exception) when (exception.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Someone else created them first: what matters is that they exist.
        }
        catch (KafkaException exception) when (exception.Error.Code == ErrorCode.Local_TimedOut)
        {
            // No controller answered. The embedded broker run standalone has none; it, like clusters with
            // auto.create.topics.enable, creates a topic when a client first uses it.
            Log.TopicsNotCreated(logger, string.Join(", ", topics.Select(t => t.Name)), exception.Error.Reason);
        }
    }

    /// <summary>Stops the embedded broker, if one was started, and deletes the state kept beside it.</summary>
    public void Dispose()
    {
        embedded?.Dispose();
        if (embeddedStateDirectory is { } directory && Directory.Exists(directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A store still open elsewhere in the process; the temporary directory is the system's to clean.
            }
        }
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
