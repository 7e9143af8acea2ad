using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Progress of one piece of processing: a handler call (its input messages are finished when the handler returned
/// and every message it produced, outputs or dead letters, was acknowledged), an input message whose rows wait in
/// buffers, or a written flush of buffered outputs. A work may hold a share of other works (<em>held</em> works) and
/// releases them when it is done, so buffering chains works without the tracker knowing. Works the tracker follows
/// are pooled by <see cref="OffsetTracker"/>, so the delivery callback is one cached delegate rather than a closure
/// per message.
/// </summary>
internal sealed class Work
{
    private readonly StopLatch stops;
    private int outstanding;
    private volatile bool stopped;
    private Work[]? held;

    public Work(StopLatch stops)
    {
        this.stops = stops;
        OnDelivered = report => Deliver(report, PipelinesTelemetry.Produced);
        OnDeadLetterDelivered = report => Deliver(report, PipelinesTelemetry.DeadLettered);
    }

    /// <summary>The callback to hand the producer for every message this work produces.</summary>
    public Action<DeliveryReport<byte[]?, byte[]?>> OnDelivered { get; }

    /// <summary>The callback to hand the producer for a dead letter this work produces.</summary>
    public Action<DeliveryReport<byte[]?, byte[]?>> OnDeadLetterDelivered { get; }

    /// <summary>Whether the handler returned and every produced message was acknowledged; never once stopped.</summary>
    public bool IsDone => !stopped && Volatile.Read(ref outstanding) == 0;

    /// <summary>Input messages of this work not yet taken out of the tracker; the loop's thread only.</summary>
    internal int Entries { get; set; }

    /// <summary>
    /// Arms the work; its own share is released by <see cref="Finish"/>. Each of <paramref name="held"/> must
    /// already hold a share for this work, released when this work is done.
    /// </summary>
    internal void Start(Work[]? held = null)
    {
        this.held = held;
        outstanding = 1;
        stopped = false;
        Entries = 0;
    }

    /// <summary>Announces one message about to be produced.</summary>
    public void Expect() => Interlocked.Increment(ref outstanding);

    /// <summary>Releases one share: the handler's, or a message's that was acknowledged or never sent.</summary>
    public void Finish()
    {
        if (Interlocked.Decrement(ref outstanding) == 0 && held is { } works && !stopped)
        {
            foreach (var work in works)
            {
                work.Finish();
            }
        }
    }

    /// <summary>
    /// A work the tracker does not follow (a handler call over buffered rows, a written chunk): done, it releases its
    /// share of each of <paramref name="held"/>, which must already hold one for it.
    /// </summary>
    public static Work Chained(StopLatch stops, List<Work> held)
    {
        var work = new Work(stops);
        work.Start([.. held]);
        return work;
    }

    /// <summary>Whether a report without an error also says where the message was written: only then is it delivered.</summary>
    internal static bool IsWritten(DeliveryReport<byte[]?, byte[]?> report) =>
        report.Status == PersistenceStatus.Persisted && report.Partition.Value >= 0 && report.Offset.Value >= 0;

    /// <summary>Stops the processor: nothing from this work on may be committed.</summary>
    public void Stop(Exception exception)
    {
        stopped = true;
        stops.Record(exception);
    }

    private void Deliver(DeliveryReport<byte[]?, byte[]?> report, Counter<long> delivered)
    {
        if (report.Error.IsError)
        {
            // The input is read again after restart; a failed output must never be committed past.
            Stop(new KafkaException(report.Error));
            return;
        }

        if (!IsWritten(report))
        {
            // Seen under broker outages with injected produce errors, also with a plain Confluent.Kafka producer: a
            // report without an error, but without a place in the topic either, and the message was not there.
            Stop(new KafkaException(new Error(ErrorCode.Local_Fail, $"The broker acknowledged a message without saying where it was written (partition {report.Partition.Value}, offset {report.Offset.Value}, status {report.Status}); it is treated as not delivered.")));
            return;
        }

        if (delivered.Enabled)
        {
            // Every acknowledgement passes here: its tags are built only for a listener.
            delivered.Add(1, PipelinesTelemetry.SendTags(stops.Tag, report.Topic));
        }

        Finish();
    }
}
