using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Pipelines.Kafka.Embedded;

/// <summary>
/// An in-process Kafka cluster that speaks the real Kafka protocol (librdkafka's mock cluster), so any Kafka
/// client — Confluent.Kafka in this process, <c>kcat</c> in another — connects to <see cref="BootstrapServers"/>.
/// Data lives in memory (about 5 MB per partition; older messages are dropped) and is gone on
/// <see cref="Dispose"/>. For development, tests and demos; never for data that matters.
/// </summary>
public sealed class EmbeddedKafka : IDisposable
{
    private const int ProducerType = 0;
    private const int ErrorTextLength = 512;

    // Clusters of this process by bootstrap servers: a host configured with one of them finds it (KafkaConnection).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, EmbeddedKafka> Running = new(StringComparer.Ordinal);

    private readonly IntPtr client;
    private readonly Lazy<string> stateDirectory = new(() => Path.Combine(Path.GetTempPath(), "pipelines-state", "embedded-" + Guid.NewGuid().ToString("N")));
    private IntPtr cluster;

    private EmbeddedKafka(IntPtr client, IntPtr cluster, EmbeddedKafkaOptions options)
    {
        this.client = client;
        this.cluster = cluster;
        Options = options;
        BootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The embedded Kafka cluster reported no bootstrap servers.");
        MockClusterNative.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, checked((int)options.GroupInitialRebalanceDelay.TotalMilliseconds));
        Running[BootstrapServers] = this;
    }

    /// <summary>The cluster of this process whose bootstrap servers are <paramref name="bootstrapServers"/>, if one is running.</summary>
    internal static EmbeddedKafka? InThisProcess(string bootstrapServers) => Running.GetValueOrDefault(bootstrapServers);

    /// <summary>The brokers' addresses on the loopback interface, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The settings the cluster was started with.</summary>
    public EmbeddedKafkaOptions Options { get; }

    /// <summary>
    /// This cluster's own id. The mock's cluster id derives from its memory address, which a later cluster of the same
    /// process may reuse; state kept for one cluster is told apart from another's by this one.
    /// </summary>
    internal Guid Id { get; } = Guid.NewGuid();

    /// <summary>
    /// Where hosts on this cluster keep state unless configured otherwise: state kept on disk must not outlive the
    /// changelogs it was restored from, which this cluster drops when disposed, and deletes with them.
    /// </summary>
    internal string StateDirectory => stateDirectory.Value;

    /// <summary>Starts a cluster; its brokers listen on free loopback ports until <see cref="Dispose"/>.</summary>
    public static unsafe EmbeddedKafka Start(EmbeddedKafkaOptions? options = null)
    {
        options ??= new EmbeddedKafkaOptions();
        if (options.Brokers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Brokers, "An embedded cluster needs at least one broker.");
        }

        if (options.GroupInitialRebalanceDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.GroupInitialRebalanceDelay, "The initial rebalance delay cannot be negative.");
        }

        MockClusterNative.EnsureLoaded();
        var errors = stackalloc byte[ErrorTextLength];
        var conf = MockClusterNative.rd_kafka_conf_new();

        // The handle only hosts the cluster's threads; it must not chatter on stderr.
        MockClusterNative.rd_kafka_conf_set(conf, "log_level", "3", errors, ErrorTextLength);
        var client = MockClusterNative.rd_kafka_new(ProducerType, conf, errors, ErrorTextLength);
        if (client == IntPtr.Zero)
        {
            throw new InvalidOperationException("librdkafka could not create the client that hosts the embedded cluster: " + Text(errors));
        }

        var cluster = MockClusterNative.rd_kafka_mock_cluster_new(client, options.Brokers);
        if (cluster == IntPtr.Zero)
        {
            MockClusterNative.rd_kafka_destroy(client);
            throw new InvalidOperationException("librdkafka could not start the embedded Kafka cluster.");
        }

        return new EmbeddedKafka(client, cluster, options);
    }

    /// <summary>Creates a topic; creating one that exists fails.</summary>
    public void CreateTopic(string topic, int partitions = 1, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, Options.Brokers);
        Check(MockClusterNative.rd_kafka_mock_topic_create(Cluster, topic, partitions, replicationFactor), $"create topic '{topic}'");
    }

    /// <summary>Takes broker <paramref name="brokerId"/> (1 to <see cref="EmbeddedKafkaOptions.Brokers"/>) off the network: its connections drop and new ones are refused.</summary>
    public void SetBrokerDown(int brokerId) => Check(MockClusterNative.rd_kafka_mock_broker_set_down(Cluster, brokerId), $"take broker {brokerId} down");

    /// <summary>Brings broker <paramref name="brokerId"/> back.</summary>
    public void SetBrokerUp(int brokerId) => Check(MockClusterNative.rd_kafka_mock_broker_set_up(Cluster, brokerId), $"bring broker {brokerId} up");

    /// <summary>
    /// Makes the next requests of one Kafka API (0 = Produce, 1 = Fetch, 8 = OffsetCommit, …) fail with
    /// <paramref name="errors"/>, one error per request, in order.
    /// </summary>
    public unsafe void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        fixed (ErrorCode* first = errors)
        {
            MockClusterNative.rd_kafka_mock_push_request_errors_array(Cluster, apiKey, (nuint)errors.Length, first);
        }
    }

    /// <summary>Stops the brokers and drops their data.</summary>
    public void Dispose()
    {
        var running = Interlocked.Exchange(ref cluster, IntPtr.Zero);
        if (running == IntPtr.Zero)
        {
            return;
        }

        Running.TryRemove(new(BootstrapServers, this));
        MockClusterNative.rd_kafka_mock_cluster_destroy(running);
        MockClusterNative.rd_kafka_destroy(client);
        if (stateDirectory.IsValueCreated && Directory.Exists(stateDirectory.Value))
        {
            try
            {
                Directory.Delete(stateDirectory.Value, recursive: true);
            }
            catch (IOException)
            {
                // A store still open elsewhere in the process; the temporary directory is the system's to clean.
            }
        }
    }

    private IntPtr Cluster => cluster != IntPtr.Zero ? cluster : throw new ObjectDisposedException(nameof(EmbeddedKafka));

    private static void Check(ErrorCode error, string action)
    {
        if (error != ErrorCode.NoError)
        {
            throw new KafkaException(new Error(error, $"The embedded Kafka cluster could not {action}: {error}."));
        }
    }

    private static unsafe string Text(byte* nulTerminated) => Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(nulTerminated));
}
