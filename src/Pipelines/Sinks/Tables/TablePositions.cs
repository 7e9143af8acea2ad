using System.Data;
using System.Data.Common;
using Confluent.Kafka;

namespace Pipelines.Sinks;

/// <summary>
/// A table sink's positions in <c>pipelines_sink_positions</c>, through any ADO.NET provider: read when partitions are
/// assigned, moved in the rows' transaction, and only from where the writing instance found them.
/// </summary>
internal static class TablePositions
{
    /// <summary>The positions stored for <paramref name="partitions"/> of the topic <paramref name="topicIdentity"/> names.</summary>
    public static async Task<IReadOnlyDictionary<TopicPartition, long>> ReadAsync(DbConnection connection, TableShape shape, IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken)
    {
        var positions = new Dictionary<TopicPartition, long>();
        foreach (var topic in partitions.Select(p => p.Topic).Distinct())
        {
            await using var read = connection.CreateCommand();
            read.CommandText = shape.ReadPositions;
            Add(read, "table", shape.Table);
            Add(read, "topic", topic);
            Add(read, "identity", topicIdentity);
            await using var rows = await read.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                var partition = new TopicPartition(topic, (int)rows.GetInt64(0));
                if (partitions.Contains(partition))
                {
                    positions[partition] = rows.GetInt64(1);
                }
            }
        }

        return positions;
    }

    /// <summary>Moves each partition's position to its <see cref="SinkPosition.To"/>, from its <see cref="SinkPosition.From"/> only.</summary>
    /// <exception cref="SinkPositionConflictException">A position was not where the batch starts from: nothing may be committed.</exception>
    public static async Task MoveAsync(DbConnection connection, DbTransaction transaction, TableShape shape, IReadOnlyList<SinkPosition> positions, string? topicIdentity, CancellationToken cancellationToken)
    {
        var conflicts = new List<TopicPartition>();
        foreach (var position in positions)
        {
            await using var move = connection.CreateCommand();
            move.Transaction = transaction;
            move.CommandText = position.From is null ? shape.InsertPosition : shape.MovePosition;
            Add(move, "table", shape.Table);
            Add(move, "topic", position.Topic);
            Add(move, "partition", (long)position.Partition);
            Add(move, "to", position.To);
            Add(move, "identity", topicIdentity);
            if (position.From is { } from)
            {
                Add(move, "from", from);
            }

            // The insert stores a first position, or replaces one of another topic; over one of this topic it changes nothing.
            if (await move.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                conflicts.Add(new TopicPartition(position.Topic, position.Partition));
            }
        }

        if (conflicts.Count > 0)
        {
            throw new SinkPositionConflictException(conflicts, $"'{shape.Table}' holds positions for {string.Join(", ", conflicts)} other than those this batch starts from");
        }
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = value switch
        {
            long => DbType.Int64,
            _ => DbType.String, // a null identity too: typed, so that the server compares it as text
        };
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
