using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Pipelines.Kafka.Embedded;

namespace Pipelines.Kafka;

/// <summary>
/// Which topic an offset belongs to: its cluster and, where the cluster says, the topic's id. An offset means something
/// only in its own topic: a state store built from a changelog, or a sink's stored positions, kept for another cluster
/// (a new embedded broker, a test's, a staging cluster) or for an earlier topic of the same name (deleted and
/// recreated) must not be taken for this one's, whatever its offsets say.
/// </summary>
internal static class TopicIdentity
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // How librdkafka's mock cluster names itself (rdkafka_mock.c).
    private const string MockClusterPrefix = "mockCluster";

    /// <summary>
    /// The identity of <paramref name="topic"/> on the cluster at <paramref name="bootstrapServers"/>, asked through
    /// <paramref name="client"/>'s connection, or <see langword="null"/> with <paramref name="unknown"/> saying why.
    /// </summary>
    /// <remarks>
    /// An embedded broker is known by its own id (the mock's cluster id derives from a memory address, and it answers
    /// no request that needs a controller, such as describing a topic; its topics cannot be deleted either). A real
    /// cluster by its cluster id and the topic's id (Kafka 2.8 on; older clusters give none, and the cluster alone
    /// tells stores apart).
    /// </remarks>
    public static string? Of(string bootstrapServers, Handle client, string topic, out string? unknown)
    {
        unknown = null;
        if ((EmbeddedKafka.InThisProcess(bootstrapServers)?.Id.ToString("N") ?? EmbeddedKafkaControl.ClusterId(bootstrapServers)) is { } embedded)
        {
            return $"embedded cluster {embedded}";
        }

        using var admin = new DependentAdminClientBuilder(client).Build();
        if (admin.ClusterId(Timeout) is not { } cluster)
        {
            unknown = "no cluster id in its metadata";
            return null;
        }

        if (cluster.StartsWith(MockClusterPrefix, StringComparison.Ordinal))
        {
            // An embedded broker of another process, reached without its control socket (a test's, say): it would
            // leave a request for a topic's id waiting for a controller it does not have until the timeout.
            return $"cluster {cluster}";
        }

        try
        {
            var described = admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]), new DescribeTopicsOptions { RequestTimeout = Timeout }).GetAwaiter().GetResult();
            return $"cluster {cluster}, topic id {described.TopicDescriptions.Single().TopicId}";
        }
        catch (KafkaException)
        {
            return $"cluster {cluster}";
        }
    }
}
