using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// One handler call's progress: the input messages it covers are finished when the handler returned and every
/// message it produced (outputs, or dead letters) was acknowledged. Pooled by <see cref="OffsetTracker"/>, so
/// the delivery callback is one cached delegate rather than a closure per message.
/// </summary>
internal sealed class Work
{
    private readonly OffsetTracker tracker;
    private int outstanding;
    private volatile bool failed;
    private Counter<long> delivered = null!;

    public Work(OffsetTracker tracker)
    {
        this.tracker = tracker;
        OnDelivered = Deliver;
    }

    /// <summary>The callback to hand the producer for every message this work produces.</summary>
    public Action<DeliveryReport<byte[]?, byte[]?>> OnDelivered { get; }

    /// <summary>Whether the handler returned and every produced message was acknowledged; never after a failure.</summary>
    public override string ToString() => $"{outstanding}/{failed}";

    public bool IsDone => !failed && Volatile.Read(ref outstanding) == 0;

    /// <summary>Input messages of this work not yet taken out of the tracker; the loop's thread only.</summary>
    internal int Entries { get; set; }

    /// <summary>Arms the work for a new call; the handler's own share is released by <see cref="Finish"/>.</summary>
    internal void Start()
    {
        outstanding = 1;
        failed = false;
        Entries = 0;
        delivered = PipelinesTelemetry.Produced;
    }

    /// <summary>The messages produced from here on are dead letters, counted as such.</summary>
    public void CountAsDeadLetters() => delivered = PipelinesTelemetry.DeadLettered;

    /// <summary>Announces one message about to be produced.</summary>
    public void Expect() => Interlocked.Increment(ref outstanding);

    /// <summary>Releases one share: the handler's, or a message's that was acknowledged or never sent.</summary>
    public void Finish() => Interlocked.Decrement(ref outstanding);

    /// <summary>Stops the processor: nothing from this work on may be committed.</summary>
    public void Fail(Exception exception)
    {
        failed = true;
        tracker.Fail(exception);
    }

    private void Deliver(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            // The input is read again after restart; a failed output must never be committed past.
            Fail(new KafkaException(report.Error));
            return;
        }

        delivered.Add(1, tracker.ProcessorTag);
        Finish();
    }
}
