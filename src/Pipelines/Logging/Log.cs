using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Pipelines.Logging;

/// <summary>
/// Every message the runtime logs, source-generated, each with a stable event id (docs/logging.md lists them; an id
/// is never reused for another meaning). Ids by concern: 1xx a processor starting and stopping, 2xx reading input,
/// 3xx handlers and failed messages, 4xx offsets and commits, 5xx the Kafka connection, 6xx librdkafka's own.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Processor {Processor} reads {Input} in group {Group}")]
    public static partial void Started(ILogger logger, string processor, string input, string group);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Processor {Processor} writes to {Input}, the topic it reads: every output comes back to it as input")]
    public static partial void FeedbackLoop(ILogger logger, string processor, string input);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Processor {Processor} stopped")]
    public static partial void Stopped(ILogger logger, string processor);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Processor {Processor} could not flush its buffers on shutdown; their rows stay uncommitted")]
    public static partial void ShutdownFlushFailed(ILogger logger, Exception exception, string processor);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Processor {Processor} stopped with {Count} outputs unacknowledged; their inputs stay uncommitted")]
    public static partial void StoppedUnacknowledged(ILogger logger, string processor, int count);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Processor {Processor} closed its consumer with an error: {Reason}")]
    public static partial void CloseFailed(ILogger logger, string processor, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Processor {Processor} could not write an output or dead letter ({Reason}); it reads those partitions again, their state as of its last checkpoint: {Resume}")]
    public static partial void Replaying(ILogger logger, string processor, string reason, string resume);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Processor {Processor} was given partitions {Partitions}; it owns {Owned} partition(s)")]
    public static partial void PartitionsAssigned(ILogger logger, string processor, string partitions, int owned);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Processor {Processor} handed over partitions {Partitions}; it owns {Owned} partition(s)")]
    public static partial void PartitionsRevoked(ILogger logger, string processor, string partitions, int owned);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Processor {Processor} lost partitions {Partitions} without handing them over (its session with the group ended); their new caller handles their rows since the last commit again")]
    public static partial void PartitionsLost(ILogger logger, string processor, string partitions);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Processor {Processor} could not fetch: {Reason}")]
    public static partial void FetchFailed(ILogger logger, Exception exception, string processor, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Processor {Processor}: {Topic} partition {Partition} has rows on the broker but none arrived for {Wait}; rows of its other inputs go without waiting for it until its next row")]
    public static partial void InputWaitEnded(ILogger logger, string processor, string topic, int partition, TimeSpan wait);

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Processor {Processor} failed on {Source} (attempt {Attempt} of {Attempts}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, Exception exception, string processor, TopicPartitionOffset? source, int attempt, int attempts, TimeSpan delay);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Processor {Processor} dead-lettered {Source} to {DeadLetterTopic}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, Exception exception, string processor, TopicPartitionOffset source, string deadLetterTopic, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Processor {Processor} skipped {Source}: {Reason}")]
    public static partial void Skipped(ILogger logger, Exception exception, string processor, TopicPartitionOffset source, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Processor {Processor}: its stream {Change} handler failed for stream {Stream}")]
    public static partial void StreamHandlerFailed(ILogger logger, Exception exception, string processor, string change, string stream);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Processor {Processor}: its FlushWhen method threw; the buffer was flushed")]
    public static partial void FlushWhenFailed(ILogger logger, Exception exception, string processor);

    [LoggerMessage(EventId = 400, Level = LogLevel.Debug, Message = "Processor {Processor} could not store offset {Offset} of {Partition}: {Reason}")]
    public static partial void StoreFailed(ILogger logger, string processor, Offset offset, TopicPartition partition, string reason);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Processor {Processor} could not commit ({Reason}); retrying in {Delay} (attempt {Attempt} of {Attempts})")]
    public static partial void CommitRetrying(ILogger logger, string processor, string reason, TimeSpan delay, int attempt, int attempts);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Processor {Processor} could not commit ({Reason}); the offsets stay stored for the next commit, and an instance that takes over a partition before then reprocesses from the last commit")]
    public static partial void CommitLeft(ILogger logger, string processor, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Processor {Processor} could not commit during a rebalance ({Reason}); the next caller may reprocess a few messages")]
    public static partial void CommitDuringRebalance(ILogger logger, string processor, string reason);

    [LoggerMessage(EventId = 404, Level = LogLevel.Error, Message = "Processor {Processor}: the broker refused its commit ({Code}: {Reason}); nothing is lost, but until a commit succeeds a restart reprocesses from the last one")]
    public static partial void CommitRefused(ILogger logger, string processor, ErrorCode code, string reason);

    [LoggerMessage(EventId = 700, Level = LogLevel.Debug, Message = "Processor {Processor} restores the state of partition {Partition} from {Changelog}, offsets {From} to {To}")]
    public static partial void StateRestoring(ILogger logger, string processor, int partition, string changelog, long from, long to);

    [LoggerMessage(EventId = 701, Level = LogLevel.Debug, Message = "Processor {Processor} restored the state of partition {Partition}: {Records} changelog records in {Milliseconds} ms")]
    public static partial void StateRestored(ILogger logger, string processor, int partition, long records, double milliseconds);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Processor {Processor}: {Changelog} partition {Partition} no longer holds offsets {From} to {Low} (retention or compaction); the state is restored from what remains")]
    public static partial void StateChangelogTruncated(ILogger logger, string processor, int partition, string changelog, long from, long low);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Processor {Processor}, partition {Partition}: the state store at {Directory} was built from another changelog than {Changelog} ({Kept}, not {Current}: another cluster, or a topic of that name deleted since); it is discarded and rebuilt from the changelog")]
    public static partial void StateStoreOfAnotherChangelog(ILogger logger, string processor, int partition, string directory, string changelog, string kept, string current);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "Processor {Processor}, partition {Partition}: the state store at {Directory} reflects changelog records up to offset {StoreOffset}, but {Changelog} {Held} (deleted and recreated, or truncated); the store is discarded and rebuilt from the changelog")]
    public static partial void StateStoreAheadOfChangelog(ILogger logger, string processor, int partition, string directory, long storeOffset, string changelog, string held);

    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "Processor {Processor}: the cluster did not say which changelog {Changelog} is ({Reason}), so a state store kept for another cluster is recognised only if it is ahead of the changelog")]
    public static partial void StateChangelogUnknown(ILogger logger, string processor, string changelog, string reason);

    [LoggerMessage(EventId = 706, Level = LogLevel.Information, Message = "Processor {Processor} opened the state of {Partitions} partition(s) and restored {Restoring} of them: {Records} changelog records in {Milliseconds} ms ({RecordsPerSecond} records/s)")]
    public static partial void StateAssigned(ILogger logger, string processor, int partitions, int restoring, long records, double milliseconds, double recordsPerSecond);

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Processor {Processor} loaded its table {Topic}: {Keys} keys from {Messages} messages in {Milliseconds} ms")]
    public static partial void TableLoaded(ILogger logger, string processor, string topic, int keys, long messages, double milliseconds);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Processor {Processor}: the message of table {Topic} at partition {Partition}, offset {Offset} is skipped: {Reason}")]
    public static partial void TableRowUnreadable(ILogger logger, string processor, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "Processor {Processor} could not read its table {Topic} ({Reason}); it keeps what it has and reads on")]
    public static partial void TableReadFailed(ILogger logger, string processor, string topic, string reason);

    [LoggerMessage(EventId = 803, Level = LogLevel.Error, Message = "Processor {Processor} stopped reading its table {Topic}: lookups see it as it was until the processor restarts")]
    public static partial void TableStopped(ILogger logger, Exception exception, string processor, string topic);

    [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "Processor {Processor} loaded partitions {Partitions} of its table {Topic}: it holds {Keys} keys in {Milliseconds} ms")]
    public static partial void TablePartitionsLoaded(ILogger logger, string processor, string topic, string partitions, int keys, double milliseconds);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Sink {Sink} writes {Input} to {Target} in group {Group}")]
    public static partial void SinkStarted(ILogger logger, string sink, string input, string target, string group);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Sink {Sink} was given partitions {Partitions} (@ the position its target stored for {Stored} of them; the others from the group's committed offset or their start)")]
    public static partial void SinkAssigned(ILogger logger, string sink, string partitions, int stored);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Sink {Sink} could not reach its target with {Rows} rows ({Reason}); trying again in {Pause}, nothing is lost")]
    public static partial void SinkWriteFailed(ILogger logger, Exception exception, string sink, int rows, string reason, TimeSpan pause);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Sink {Sink}: its target holds other positions for {Partitions} than this instance read from ({Reason}); another instance wrote them since, so its rows of them are dropped and reading goes on from the target's positions")]
    public static partial void SinkPositionConflict(ILogger logger, string sink, string partitions, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Sink {Sink} could not write its last {Rows} rows while stopping ({Reason}); they were not written, and are read again at the next start, nothing is lost")]
    public static partial void SinkStopWriteFailed(ILogger logger, Exception exception, string sink, int rows, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Replay of {Source}: skipped {Location} ({Reason})")]
    public static partial void ReplayRowSkipped(ILogger logger, string source, string location, string reason);

    [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "{Caller}: the Schema Registry did not answer {What} ({Reason}); trying again in {Pause}")]
    public static partial void RegistryUnavailable(ILogger logger, string caller, string what, string reason, TimeSpan pause);

    [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "{Caller} registered {Contract}'s schema under subject {Subject}: id {Id}")]
    public static partial void SchemaRegistered(ILogger logger, string caller, string contract, string subject, int id);

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Could not create topics {Topics} ({Reason}); relying on the cluster to create them on first use")]
    public static partial void TopicsNotCreated(ILogger logger, string topics, string reason);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "No Pipelines:BootstrapServers configured: running on an embedded in-memory Kafka broker at {BootstrapServers}. Data is lost when the process exits; configure a cluster for anything that matters.")]
    public static partial void EmbeddedBroker(ILogger logger, string bootstrapServers);

    [LoggerMessage(EventId = 600, Message = "librdkafka {Facility} ({Client}): {Message}")]
    private static partial void Librdkafka(ILogger logger, LogLevel level, string facility, string client, string message);

    /// <summary>Passes one of librdkafka's own messages on, at the level its syslog level maps to.</summary>
    public static void Librdkafka(ILogger logger, LogMessage message) =>
        Librdkafka(
            logger,
            message.Level switch
            {
                SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
                SyslogLevel.Error => LogLevel.Error,
                SyslogLevel.Warning => LogLevel.Warning,
                SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
                _ => LogLevel.Debug,
            },
            message.Facility,
            message.Name,
            message.Message);
}
