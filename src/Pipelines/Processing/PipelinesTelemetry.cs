using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// The names Pipelines reports under: one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both called
/// <c>Pipelines</c>; every measurement carries a <c>pipelines.processor</c> tag. Where OpenTelemetry's messaging
/// semantic conventions name a measurement or a span (messages consumed and sent, processing time, process and send
/// spans), Pipelines uses their names and attributes; the rest are its own, under <c>pipelines.</c>. Trace context
/// travels in the W3C <c>traceparent</c>/<c>tracestate</c> headers, so a trace continues from writer to processor to consumer.
/// </summary>
public static class PipelinesTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Pipelines";

    /// <summary>The tag naming the processor.</summary>
    public const string ProcessorTag = "pipelines.processor";

    // OpenTelemetry's messaging semantic conventions.
    internal const string SystemTag = "messaging.system";
    internal const string OperationNameTag = "messaging.operation.name";
    internal const string OperationTypeTag = "messaging.operation.type";
    internal const string DestinationTag = "messaging.destination.name";
    internal const string PartitionTag = "messaging.destination.partition.id";
    internal const string GroupTag = "messaging.consumer.group.name";
    internal const string OffsetTag = "messaging.kafka.offset";
    internal const string Kafka = "kafka";

    internal const string TraceParentHeader = "traceparent";
    internal const string TraceStateHeader = "tracestate";

    internal static readonly ActivitySource Source = new(Name);
    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Consumed = Meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Messages read from the input topic.");
    internal static readonly Counter<long> Produced = Meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Output messages acknowledged by the broker.");
    internal static readonly Counter<long> Failed = Meter.CreateCounter<long>("pipelines.messages.failed", "{message}", "Messages that could not be read or whose handler kept failing.");
    internal static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("pipelines.messages.dead_lettered", "{message}", "Messages written to the dead-letter topic.");
    internal static readonly Counter<long> CommitsFailed = Meter.CreateCounter<long>("pipelines.commits.failed", "{commit}", "Offset commits the broker did not take, by kind of error (pipelines.commit.error); the offsets stay stored for the next commit.");
    internal static readonly Histogram<double> HandlerDuration = Meter.CreateHistogram<double>("messaging.process.duration", "s", "Time in the handler per message, retries included.");

    internal static readonly Counter<long> StateChangelogRecords = Meter.CreateCounter<long>("pipelines.state.changelog_records", "{record}", "Keyed-state records written to changelogs at checkpoints: one per key changed since the last.");
    internal static readonly Counter<long> StateChangelogBytes = Meter.CreateCounter<long>("pipelines.state.changelog_bytes", "By", "Bytes of state records written to changelogs at checkpoints (keys and values).");
    internal static readonly Counter<long> StateLookups = Meter.CreateCounter<long>("pipelines.state.cache.lookups", "{lookup}", "Rows that looked up their key's state, by pipelines.state.cache.result: hit (in the cache) or miss (read from the store).");
    internal static readonly Counter<long> StateExpired = Meter.CreateCounter<long>("pipelines.state.expired", "{key}", "Stream keys whose state was forgotten after StateTimeToLive without rows.");
    internal static readonly Counter<long> StateRestoredRecords = Meter.CreateCounter<long>("pipelines.state.restored_records", "{record}", "Changelog records read back into state stores.");
    internal static readonly Counter<long> LateRows = Meter.CreateCounter<long>("pipelines.windows.late_rows", "{row}", "Rows that came after every window they belong to had closed; each goes where the failure policy says.");
    internal static readonly Counter<long> WindowsClosed = Meter.CreateCounter<long>("pipelines.windows.closed", "{window}", "Windows closed, by why (pipelines.window.closed_by: data_time or idle).");
    internal static readonly Histogram<double> StateRestoreDuration = Meter.CreateHistogram<double>("pipelines.state.restore.duration", "ms", "Time to bring one partition's state store up to its changelog's end.");

    private static readonly ConcurrentDictionary<GaugeSource, byte> LagSources = new();
    private static readonly ConcurrentDictionary<GaugeSource, byte> StateEntrySources = new();
    private static readonly ConcurrentDictionary<GaugeSource, byte> RestoreSources = new();

    // One gauge over every running loop; a loop leaves the set when it stops, so nothing outlives it.
    private static readonly ObservableGauge<long> Lag = Meter.CreateObservableGauge(
        "pipelines.consumer.lag",
        () => LagSources.Keys.Select(source => new Measurement<long>(Interlocked.Read(ref source.Value), source.Tag)),
        "{message}",
        "Messages in the assigned partitions not yet read, as of the last fetch.");

    private static readonly ObservableGauge<long> StateEntries = Meter.CreateObservableGauge(
        "pipelines.state.entries",
        () => StateEntrySources.Keys.Select(source => new Measurement<long>(Interlocked.Read(ref source.Value), source.Tag)),
        "{entry}",
        "Stream keys whose state is in the write cache of the partitions assigned, as of the last checkpoint.");

    private static readonly ObservableGauge<long> RestoreRemaining = Meter.CreateObservableGauge(
        "pipelines.state.restore.remaining",
        () => RestoreSources.Keys.Select(source => new Measurement<long>(Interlocked.Read(ref source.Value), source.Tag)),
        "{record}",
        "Changelog records still to be read back into the state stores of partitions being restored.");

    /// <summary>The tag that says what kind of commit error was counted: retriable, rebalancing, refused or fatal.</summary>
    public const string CommitErrorTag = "pipelines.commit.error";

    /// <summary>Counts a failed commit, unless the failure was only that nothing was stored since the last one.</summary>
    internal static void CommitFailed(CommitError error, KeyValuePair<string, object?> processorTag)
    {
        if (error != CommitError.NothingToCommit)
        {
            CommitsFailed.Add(1, processorTag, new(CommitErrorTag, error switch
            {
                CommitError.Retriable => "retriable",
                CommitError.Rebalancing => "rebalancing",
                CommitError.Refused => "refused",
                _ => "fatal",
            }));
        }
    }

    /// <summary>Registers a running loop's lag until the returned source is disposed.</summary>
    internal static GaugeSource TrackLag(KeyValuePair<string, object?> processorTag)
    {
        _ = Lag;
        return new GaugeSource(processorTag, LagSources);
    }

    /// <summary>Registers a running loop's count of changelog records left to restore until the returned source is disposed.</summary>
    internal static GaugeSource TrackRestoreRemaining(KeyValuePair<string, object?> processorTag)
    {
        _ = RestoreRemaining;
        return new GaugeSource(processorTag, RestoreSources);
    }

    /// <summary>Registers a running loop's count of cached state entries until the returned source is disposed.</summary>
    internal static GaugeSource TrackStateEntries(KeyValuePair<string, object?> processorTag)
    {
        _ = StateEntries;
        return new GaugeSource(processorTag, StateEntrySources);
    }

    /// <summary>The tags of a processor's consumed messages: its name, Kafka, poll, its input and its group.</summary>
    internal static TagList ConsumeTags(ProcessorOptions options) => OperationTags(options, "poll");

    /// <summary>The tags of a processor's handler durations.</summary>
    internal static TagList ProcessTags(ProcessorOptions options) => OperationTags(options, "process");

    /// <summary>The tags of an acknowledged output or dead letter of <paramref name="processorTag"/> to <paramref name="topic"/>.</summary>
    internal static TagList SendTags(KeyValuePair<string, object?> processorTag, string topic) =>
        new() { processorTag, { SystemTag, Kafka }, { OperationNameTag, "send" }, { DestinationTag, topic } };

    private static TagList OperationTags(ProcessorOptions options, string operation) =>
        new() { { ProcessorTag, options.Name }, { SystemTag, Kafka }, { OperationNameTag, operation }, { DestinationTag, options.InputTopic }, { GroupTag, options.GroupId } };

    /// <summary>Starts the span of one message, <c>process &lt;input topic&gt;</c>, continuing the trace its headers carry.</summary>
    internal static Activity? StartProcessing(ProcessorOptions options, int input, Headers? headers, int partition, long offset)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(Text(headers, TraceParentHeader), Text(headers, TraceStateHeader), isRemote: true, out var parent);
        var activity = Source.StartActivity("process " + options.TopicOf(input), ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ProcessorTag, options.Name);
            activity.SetTag(SystemTag, Kafka);
            activity.SetTag(OperationTypeTag, "process");
            activity.SetTag(OperationNameTag, "process");
            activity.SetTag(DestinationTag, options.TopicOf(input));
            activity.SetTag(GroupTag, options.GroupId);
            activity.SetTag(PartitionTag, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag(OffsetTag, offset);
        }

        return activity;
    }

    /// <summary>Starts the span of a message a <see cref="Publishing.TopicWriter{T}"/> writes, <c>send &lt;topic&gt;</c>, under the current activity if there is one.</summary>
    internal static Activity? StartSend(string topic)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("send " + topic, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SystemTag, Kafka);
            activity.SetTag(OperationTypeTag, "send");
            activity.SetTag(OperationNameTag, "send");
            activity.SetTag(DestinationTag, topic);
        }

        return activity;
    }

    /// <summary>Removes what <see cref="Inject"/> added.</summary>
    internal static void Uninject(Headers headers)
    {
        headers.Remove(TraceParentHeader);
        headers.Remove(TraceStateHeader);
    }

    /// <summary>Writes the current trace context into outgoing headers.</summary>
    internal static void Inject(Activity? activity, Headers headers)
    {
        if (activity is null)
        {
            return;
        }

        headers.Add(TraceParentHeader, Encoding.ASCII.GetBytes(activity.Id!));
        if (activity.TraceStateString is { } state)
        {
            headers.Add(TraceStateHeader, Encoding.ASCII.GetBytes(state));
        }
    }

    /// <summary>One loop's consumer lag.</summary>
    /// <summary>One running loop's value of a gauge, read by the meter on its own thread; in the gauge's set until disposed.</summary>
    internal sealed class GaugeSource : IDisposable
    {
        private readonly ConcurrentDictionary<GaugeSource, byte> registry;

        public long Value;

        public GaugeSource(KeyValuePair<string, object?> tag, ConcurrentDictionary<GaugeSource, byte> registry)
        {
            Tag = tag;
            this.registry = registry;
            registry.TryAdd(this, 0);
        }

        public KeyValuePair<string, object?> Tag { get; }

        public void Dispose() => registry.TryRemove(this, out _);
    }

    private static string? Text(Headers? headers, string key) =>
        headers is not null && headers.TryGetLastBytes(key, out var bytes) && bytes is not null ? Encoding.ASCII.GetString(bytes) : null;
}
