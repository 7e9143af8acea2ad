using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.Tables;

/// <summary>
/// Reads every partition of a table's topic from its beginning into a <see cref="GlobalTable{T}"/>, on a thread of its
/// own with a consumer of its own (no group, no commits: every instance reads everything, every time it starts), and
/// goes on reading updates until disposed.
/// </summary>
internal sealed class GlobalTableReader<T> : TableReader
    where T : IMessageContract<T>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private readonly GlobalTable<T> table;
    private readonly ProcessorOptions options;
    private readonly ILogger logger;
    private readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    public GlobalTableReader(string topic, ProcessorOptions options, ILogger logger)
    {
        table = new GlobalTable<T>(topic);
        this.options = options;
        this.logger = logger;
        thread = new Thread(Read) { IsBackground = true, Name = $"Pipelines table {topic} ({options.Name})" };
        thread.Start();
    }

    public override object Facade => table;

    public override Task Loaded => loaded.Task;

    public override void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
    }

    private void Read()
    {
        try
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaSettings.Restore(options))
                .SetLogHandler((_, message) => Log.Librdkafka(logger, message))
                .Build();
            var partitions = Partitions(consumer);
            var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(table.Topic, p), MetadataTimeout).High.Value);
            var loading = ends.Where(e => e.Value > 0).Select(e => e.Key).ToHashSet();
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(table.Topic, p, Offset.Beginning)));
            var started = Stopwatch.GetTimestamp();
            var scratch = new List<T>();
            long messages = 0;
            Loading(loading.Count == 0);
            while (!stop.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException exception)
                {
                    // librdkafka recovers from these (a broker restarting); the table keeps what it has and reads on.
                    Log.TableReadFailed(logger, options.Name, table.Topic, exception.Error.Reason);
                    continue;
                }

                if (result is null)
                {
                    continue;
                }

                var partition = result.Partition.Value;
                if (!result.IsPartitionEOF)
                {
                    messages++;
                    ApplyOne(result, scratch);
                }

                if (loading.Count > 0 && (result.IsPartitionEOF || result.Offset.Value + 1 >= ends[partition]) && loading.Remove(partition))
                {
                    Loading(loading.Count == 0);
                }
            }

            consumer.Close();

            void Loading(bool done)
            {
                if (done && loaded.TrySetResult())
                {
                    Log.TableLoaded(logger, options.Name, table.Topic, table.Count, messages, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        catch (Exception exception) when (exception is KafkaException or InvalidOperationException)
        {
            // Before the load is done, the processor waits for it: it stops with the reason rather than run without its
            // table. After, the table stays as it was; the error says it no longer follows its topic.
            if (!loaded.TrySetException(new InvalidOperationException($"Processor '{options.Name}' could not read its table '{table.Topic}': {exception.Message}", exception)))
            {
                Log.TableStopped(logger, exception, options.Name, table.Topic);
            }
        }
    }

    private void ApplyOne(ConsumeResult<byte[]?, byte[]?> result, List<T> scratch)
    {
        TableUpdate update;
        try
        {
            update = TableUpdates.Apply(table, result.Message.Key, result.Message.Value, result.Message.Headers, scratch);
        }
        catch (MessageFormatException exception)
        {
            Log.TableRowUnreadable(logger, options.Name, table.Topic, result.Partition.Value, result.Offset.Value, exception.Message);
            return;
        }

        if (update == TableUpdate.Unreadable)
        {
            Log.TableRowUnreadable(logger, options.Name, table.Topic, result.Partition.Value, result.Offset.Value, "a message type a table does not read (a chunk of a split message, or an unknown pipelines.type)");
        }
    }

    private List<int> Partitions(IConsumer<byte[]?, byte[]?> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var topic = admin.GetMetadata(table.Topic, MetadataTimeout).Topics.SingleOrDefault(t => t.Topic == table.Topic);
        if (topic is null || topic.Error.Code != ErrorCode.NoError || topic.Partitions.Count == 0)
        {
            throw new InvalidOperationException($"the topic does not exist ({topic?.Error.Reason ?? "no metadata"})");
        }

        return topic.Partitions.Select(p => p.PartitionId).Order().ToList();
    }
}
