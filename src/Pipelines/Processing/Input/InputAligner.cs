using System.Diagnostics;

namespace Pipelines.Processing;

/// <summary>
/// Puts the messages of a processor with several inputs in timestamp order across those inputs, partition number by
/// partition number (partition p of every input is one key space: one state, one join). A message waits while another
/// input of its partition has nothing fetched but still has messages on the broker, since one of those could be older;
/// it goes once every other input either has an older or equal message fetched, or has caught up with its broker, or
/// has been waited on for <see cref="ProcessorOptions.MaxInputWait"/> while the consumer had nothing more to hand over
/// (then the wait ends until that input's next message arrives). Messages of one input and partition keep their fetch
/// order, as the commit rule needs. A message without a timestamp (a stream message, an event) goes as soon as it
/// heads its queue. An input and partition holding <see cref="MaxHeld"/> messages is paused until half of them are
/// gone, so memory stays bounded while another input catches up. For the loop's thread only.
/// </summary>
/// <remarks>
/// This is how Kafka Streams picks the next record of a task (the partition whose head is oldest, idling up to
/// <c>max.task.idle.ms</c> for a partition known to have data); without it, a backlog of one topic fetched before the
/// other's would hand a join rows that are far ahead of the other side, and their partners would arrive late.
/// </remarks>
/// <param name="inputs">How many inputs the processor has.</param>
/// <param name="maxWait">How long to wait for an input (<see cref="ProcessorOptions.MaxInputWait"/>).</param>
/// <param name="progress">What the consumer knows of each input.</param>
/// <param name="waitEnded">Told when a wait ran out: the input and partition not waited for until its next message.</param>
internal sealed class InputAligner(int inputs, TimeSpan maxWait, IInputProgress progress, Action<int, int>? waitEnded = null)
{
    /// <summary>How many messages one input and partition may hold before it is paused.</summary>
    public const int MaxHeld = 1000;

    // How long an input found caught up is taken to stay so without asking the consumer again: the client's own
    // knowledge of the broker's end is refreshed by its fetches, which come about this often when there is data.
    private static readonly long CaughtUpTicks = Stopwatch.Frequency / 100;

    private readonly long maxWaitTicks = (long)(maxWait.TotalSeconds * Stopwatch.Frequency);
    private readonly Dictionary<int, Lane[]> partitions = [];

    /// <summary>How many messages wait.</summary>
    public int Held { get; private set; }

    /// <summary>Takes a fetched message and its timestamp in nanoseconds (<see langword="null"/>: it has none).</summary>
    public void Add(InboundMessage message, long? time)
    {
        if (!partitions.TryGetValue(message.Partition, out var lanes))
        {
            partitions.Add(message.Partition, lanes = Enumerable.Range(0, inputs).Select(_ => new Lane()).ToArray());
        }

        var lane = lanes[message.Input];
        message.IsWaiting = true;
        lane.Arrived(new Waiting(message, time));
        Held++;
        if (lane.Queue.Count >= MaxHeld && !lane.Paused)
        {
            lane.Paused = true;
            progress.Pause(message.Input, message.Partition);
        }
    }

    /// <summary>
    /// Appends to <paramref name="released"/> every message that may go at <paramref name="now"/> (stopwatch ticks), in
    /// the order to handle them. <paramref name="drained"/>: the consumer had nothing more to hand over. Only such
    /// rounds count as waiting for an input: while messages are still coming (after a slow handler, say), the input
    /// waited for may be among them.
    /// </summary>
    public void Release(long now, List<InboundMessage> released, bool drained = true)
    {
        if (Held == 0)
        {
            return;
        }

        foreach (var (partition, lanes) in partitions)
        {
            while (Next(partition, lanes, now, drained) is { } input)
            {
                var lane = lanes[input];
                var message = lane.Queue.Dequeue().Message;
                message.IsWaiting = false;
                released.Add(message);
                Held--;
                if (lane.Paused && lane.Queue.Count <= MaxHeld / 2)
                {
                    lane.Paused = false;
                    progress.Resume(input, partition);
                }
            }
        }
    }

    /// <summary>Forgets the messages of partitions this instance no longer owns (the next owner reads them again), and resumes them.</summary>
    public void Drop(Predicate<int> dropped)
    {
        foreach (var (partition, lanes) in partitions.Where(p => dropped(p.Key)).ToList())
        {
            for (var input = 0; input < inputs; input++)
            {
                Held -= lanes[input].Queue.Count;
                if (lanes[input].Paused)
                {
                    progress.Resume(input, partition);
                }
            }

            partitions.Remove(partition);
        }
    }

    /// <summary>The input whose head goes next in <paramref name="partition"/>, or <see langword="null"/> when none may go yet.</summary>
    private int? Next(int partition, Lane[] lanes, long now, bool drained)
    {
        int? oldest = null;
        var oldestTime = long.MaxValue;
        for (var input = 0; input < inputs; input++)
        {
            if (!lanes[input].Queue.TryPeek(out var head))
            {
                continue;
            }

            if (head.Time is not { } time)
            {
                return input;
            }

            // Equal timestamps go in input order, so a replay orders them as the first run did.
            if (time < oldestTime)
            {
                (oldest, oldestTime) = (input, time);
            }
        }

        if (oldest is not { } first)
        {
            return null;
        }

        var backlog = lanes[first].Queue.Count > 1;
        for (var input = 0; input < inputs; input++)
        {
            var lane = lanes[input];

            // An input whose last row is later than the head needs no wait: its rows to come are later still.
            if (input == first || lane.Queue.Count > 0 || lane.LastTime > oldestTime || (lane.LastTime == oldestTime && input > first))
            {
                continue;
            }

            if (!MayPass(partition, input, lane, now, drained, backlog))
            {
                return null;
            }
        }

        return first;
    }

    /// <summary>
    /// Whether an input with nothing fetched in <paramref name="partition"/> need not be waited for. With a
    /// <paramref name="backlog"/> waiting on it, that the input has caught up is confirmed with the broker: the client's
    /// own knowledge of the broker's end is only as fresh as its last fetch, and rows written since (a backlog's other
    /// half) would otherwise be taken for none.
    /// </summary>
    private bool MayPass(int partition, int input, Lane lane, long now, bool drained, bool backlog)
    {
        if (lane.GaveUp)
        {
            return true;
        }

        // Caught up holds for a moment, or until the input's next message: no call to the client per message while it is quiet.
        var knownAt = backlog ? lane.ConfirmedAt : lane.CaughtUpAt;
        if (knownAt != 0 && now - knownAt < CaughtUpTicks)
        {
            return true;
        }

        // Behind holds for a moment too: its rows are on their way, and asking again each turn may cost a request to the broker.
        if (lane.BehindAt == 0 || now - lane.BehindAt >= CaughtUpTicks)
        {
            if (progress.IsCaughtUp(input, partition, confirm: backlog))
            {
                lane.CaughtUpAt = now;
                lane.ConfirmedAt = backlog ? now : lane.ConfirmedAt;
                return true;
            }

            lane.BehindAt = now;
        }

        if (!drained)
        {
            lane.WaitedSince = 0;
            return false;
        }

        if (lane.WaitedSince == 0)
        {
            lane.WaitedSince = now;
        }

        // Given up, the input is not waited for again until its next message.
        lane.GaveUp = now - lane.WaitedSince >= maxWaitTicks;
        if (lane.GaveUp)
        {
            waitEnded?.Invoke(input, partition);
        }

        return lane.GaveUp;
    }

    private readonly record struct Waiting(InboundMessage Message, long? Time);

    /// <summary>One input's messages in one partition number, with what is known of that input there (stopwatch ticks; 0: not known).</summary>
    private sealed class Lane
    {
        public Queue<Waiting> Queue { get; } = new();

        /// <summary>When the input was last found caught up.</summary>
        public long CaughtUpAt { get; set; }

        /// <summary>When the input was last confirmed caught up by the broker itself.</summary>
        public long ConfirmedAt { get; set; }

        /// <summary>When the input was last found behind the broker's end.</summary>
        public long BehindAt { get; set; }

        /// <summary>When the wait for the input with nothing fetched began, counting only rounds that drained the consumer; 0: not waiting.</summary>
        public long WaitedSince { get; set; }

        /// <summary>Whether the wait lasted <see cref="ProcessorOptions.MaxInputWait"/>: not waited for until its next message.</summary>
        public bool GaveUp { get; set; }

        public bool Paused { get; set; }

        /// <summary>The latest timestamp fetched: a topic's rows come in order, so none to come is earlier.</summary>
        public long LastTime { get; private set; } = long.MinValue;

        /// <summary>Queues a message of the input: what was known of the input while it had nothing fetched no longer holds.</summary>
        public void Arrived(Waiting waiting)
        {
            Queue.Enqueue(waiting);
            LastTime = waiting.Time is { } time ? Math.Max(LastTime, time) : LastTime;
            (CaughtUpAt, ConfirmedAt, BehindAt, WaitedSince, GaveUp) = (0, 0, 0, 0, false);
        }
    }
}

/// <summary>What the <see cref="InputAligner"/> asks of the consumer.</summary>
internal interface IInputProgress
{
    /// <summary>
    /// Whether this instance has read every message the broker holds of <paramref name="input"/> in
    /// <paramref name="partition"/>: as far as the client knows, or, with <paramref name="confirm"/>, as the broker says now.
    /// </summary>
    bool IsCaughtUp(int input, int partition, bool confirm);

    void Pause(int input, int partition);

    void Resume(int input, int partition);
}
