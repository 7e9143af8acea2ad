using Confluent.Kafka;

namespace Pipelines.Kafka;

/// <summary>What the cluster says of a topic, asked through a client that already exists (no connection of its own).</summary>
internal static class Partitioning
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The topic's partition numbers in order, or <see langword="null"/> if it does not exist (<paramref name="missing"/> says what the broker said).</summary>
    public static List<int>? Partitions(Handle client, string topic, out string missing)
    {
        using var admin = new DependentAdminClientBuilder(client).Build();
        var metadata = admin.GetMetadata(topic, Timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        missing = metadata?.Error.Reason ?? "no metadata";
        return metadata is null || metadata.Error.Code != ErrorCode.NoError || metadata.Partitions.Count == 0
            ? null
            : metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
    }

    /// <summary>
    /// Why <paramref name="topics"/> are not co-partitioned (as many partitions each, so a key's rows and records are in
    /// the same partition number of every one), naming each with its count; <see langword="null"/> when they are.
    /// </summary>
    public static string? CoPartitioningProblem(Handle client, IReadOnlyList<string> topics)
    {
        var counts = topics.Select(t => (Topic: t, Count: Partitions(client, t, out _)?.Count)).ToList();
        return counts.All(c => c.Count is not null) && counts.Select(c => c.Count).Distinct().Count() == 1
            ? null
            : string.Join(", ", counts.Select(c => $"'{c.Topic}' has {c.Count?.ToString() ?? "none (it does not exist)"}"));
    }
}
