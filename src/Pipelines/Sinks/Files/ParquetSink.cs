using System.Globalization;
using Confluent.Kafka;
using Parquet;

namespace Pipelines.Sinks;

/// <summary>
/// Writes a contract's rows to Parquet files, exactly once: each batch is one file, a row group of a column per member,
/// written under a temporary name, flushed to disk and then renamed, with the positions of the partitions its rows came
/// from in the file's own metadata. A file is there whole or not at all, and the positions a run starts from are the
/// newest in the files, so a crash neither loses nor repeats a row. Files roll with the batches: set the sink's
/// <c>InputBuffer</c> <c>MaxRows</c> and <c>Timeout</c> to the rows and time a file should hold.
/// </summary>
/// <typeparam name="T">The rows' contract.</typeparam>
public sealed class ParquetSink<T> : ISink<T>
    where T : IMessageContract<T>
{
    /// <summary>The metadata key of a file's topic.</summary>
    public const string TopicKey = "pipelines.topic";

    /// <summary>The metadata key of the topic's identity (its cluster and topic id).</summary>
    public const string IdentityKey = "pipelines.topic.identity";

    /// <summary>The metadata key of the positions: <c>partition:next offset</c>, comma-separated.</summary>
    public const string PositionsKey = "pipelines.positions";

    private const string Unfinished = ".unfinished";

    private readonly ParquetSinkOptions options;
    private readonly ParquetColumns columns = new(T.Serializer.Schema.Fields);
    private readonly Dictionary<TopicPartition, long> latest = [];
    private long sequence;

    /// <summary>A sink into <paramref name="options"/>' directory.</summary>
    public ParquetSink(ParquetSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        Directory.CreateDirectory(options.Directory);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken)
    {
        // A file a crash left unfinished holds rows whose positions no finished file has: they are read again.
        foreach (var unfinished in Directory.EnumerateFiles(options.Directory, "*" + Unfinished))
        {
            File.Delete(unfinished);
        }

        foreach (var file in Directory.EnumerateFiles(options.Directory, "*.parquet"))
        {
            await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            var metadata = reader.CustomMetadata;
            if (!metadata.TryGetValue(TopicKey, out var topic) || metadata.GetValueOrDefault(IdentityKey) != topicIdentity || !metadata.TryGetValue(PositionsKey, out var positions))
            {
                continue;
            }

            foreach (var (partition, next) in Parse(positions))
            {
                var key = new TopicPartition(topic, partition);
                latest[key] = Math.Max(latest.GetValueOrDefault(key), next);
            }
        }

        return partitions.Where(latest.ContainsKey).ToDictionary(p => p, p => latest[p]);
    }

    /// <inheritdoc/>
    public async Task WriteAsync(SinkBatch<T> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var conflicts = batch.Positions
            .Where(p => (latest.TryGetValue(new TopicPartition(p.Topic, p.Partition), out var stored) ? stored : (long?)null) != p.From)
            .Select(p => new TopicPartition(p.Topic, p.Partition))
            .ToList();
        if (conflicts.Count > 0)
        {
            throw new SinkPositionConflictException(conflicts, $"the files of {options.Directory} hold positions for {string.Join(", ", conflicts)} other than those this batch starts from");
        }

        // Every row in columns before a file exists: a value the file cannot hold refuses its row, and no file is left behind.
        columns.Start(batch.Rows.Count);
        for (var i = 0; i < batch.Rows.Count; i++)
        {
            columns.NextRow();
            try
            {
                T.Serializer.WriteColumns(columns, batch.Rows[i]);
            }
            catch (ArgumentOutOfRangeException refused)
            {
                throw new SinkRowException(i, refused.Message, refused);
            }
        }

        var name = $"{options.Prefix ?? batch.Positions.FirstOrDefault().Topic ?? "rows"}-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}-{Interlocked.Increment(ref sequence):D6}.parquet";
        var path = Path.Combine(options.Directory, name);
        var unfinished = path + Unfinished;
        await using (var file = new FileStream(unfinished, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            await using (var writer = await ParquetWriter.CreateAsync(columns.Schema, file, cancellationToken: cancellationToken))
            {
                var metadata = new Dictionary<string, string>
                {
                    [TopicKey] = batch.Positions.FirstOrDefault().Topic ?? "",
                    [PositionsKey] = string.Join(",", batch.Positions.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Partition}:{p.To}"))),
                };
                if (batch.TopicIdentity is { } identity)
                {
                    metadata[IdentityKey] = identity;
                }

                writer.CustomMetadata = metadata;

                using var group = writer.CreateRowGroup();
                await columns.WriteAsync(group, cancellationToken);
            }

            // On disk before it has its name: a file under its final name is always whole.
            file.Flush(flushToDisk: true);
        }

        File.Move(unfinished, path);
        foreach (var position in batch.Positions)
        {
            latest[new TopicPartition(position.Topic, position.Partition)] = position.To;
        }
    }

    /// <summary>The directory, for logs.</summary>
    public override string ToString() => $"Parquet files in {options.Directory}";

    private static IEnumerable<(int Partition, long Next)> Parse(string positions) =>
        positions.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':'))
            .Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture)));
}
