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
    private volatile bool replay;
    private Work[]? held;
    private Action<Exception?>? completed;

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

    /// <summary>Whether the handler returned and every produced message was acknowledged; never once stopped or failed.</summary>
    public bool IsDone => !stopped && !replay && Volatile.Read(ref outstanding) == 0;

    /// <summary>Whether a message it produced could not be written, for a reason that may pass: its input must be read again.</summary>
    public bool MustReplay => replay;

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
        replay = false;
        Entries = 0;
    }

    /// <summary>Announces one message about to be produced.</summary>
    public void Expect() => Interlocked.Increment(ref outstanding);

    /// <summary>Releases one share: the handler's, or a message's that was acknowledged or never sent.</summary>
    public void Finish()
    {
        if (Interlocked.Decrement(ref outstanding) != 0 || stopped)
        {
            return;
        }

        if (held is { } works)
        {
            foreach (var work in works)
            {
                work.Finish();
            }
        }

        Interlocked.Exchange(ref completed, null)?.Invoke(null);
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

    /// <summary>
    /// A work someone waits for (a write over HTTP answered once acknowledged): <paramref name="completed"/> is called once,
    /// with <see langword="null"/> when every message it expected was acknowledged, or with why one was not.
    /// </summary>
    public static Work Completing(StopLatch stops, Action<Exception?> completed)
    {
        var work = new Work(stops);
        work.Start();
        work.completed = completed;
        return work;
    }

    /// <summary>Stops the processor: nothing from this work on may be committed.</summary>
    public void Stop(Exception exception)
    {
        stopped = true;
        stops.Record(exception);
        Interlocked.Exchange(ref completed, null)?.Invoke(exception);
    }

    /// <summary>
    /// Fails this work and every work it holds a share of (the input messages behind a flush): none of them is done, and
    /// the processor reads their input again (<see cref="OffsetTracker.TakeReplayPartitions"/>) instead of stopping.
    /// </summary>
    public void Replay(Exception exception)
    {
        replay = true;
        if (Interlocked.Exchange(ref completed, null) is { } waiting)
        {
            // Told to the one who waits for it, not kept for the writer's next call.
            waiting(exception);
            return;
        }

        if (held is { } works)
        {
            foreach (var work in works)
            {
                work.Replay(exception);
            }
        }

        stops.Replay(exception);
    }

    private void Deliver(DeliveryReport<byte[]?, byte[]?> report, Counter<long> delivered)
    {
        if (!DeliveryErrors.IsDelivered(report))
        {
            // A failed output must never be committed past. One that may go through if written again fails its work, and
            // its input is read again; a refusal stops the processor, and its input is read again after a restart.
            var error = report.Error.IsError ? report.Error : new Error(ErrorCode.Local_Fail, $"A message was reported {report.Status}, without an error.");
            if (DeliveryErrors.IsPassing(report.Error))
            {
                Replay(new KafkaException(error));
            }
            else
            {
                Stop(new KafkaException(error));
            }

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
