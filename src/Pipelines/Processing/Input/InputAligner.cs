using System.Diagnostics;

namespace Pipelines.Processing;

/// <summary>
/// Puts the messages of a processor with several inputs in timestamp order across those inputs, partition number by
/// partition number (partition p of every input is one key space: one state, one join). A message waits while another
/// input of its partition has nothing fetched but still has messages on the broker, since one of those could be older;
/// it goes once every other input either has an older or equal message fetched, or has caught up with its broker, or
/// has been waited on for <see cref="ProcessorOptions.MaxInputWait"/> while the consumer had nothing more to hand over
/// (then the wait ends until that input's next message arrives). Messages of one input and partition keep their fetch order, as the commit rule needs. A message
/// without a timestamp (a stream message, an event) goes as soon as it heads its queue. An input and partition holding
/// <see cref="MaxHeld"/> messages is paused until half of them are gone, so memory stays bounded while another input
/// catches up. For the loop's thread only.
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
    private readonly Dictionary<int, Lanes> partitions = [];

    /// <summary>How many messages wait.</summary>
    public int Held { get; private set; }

    /// <summary>Takes a fetched message and its timestamp in nanoseconds (<see langword="null"/>: it has none).</summary>
    public void Add(InboundMessage message, long? time)
    {
        if (!partitions.TryGetValue(message.Partition, out var lanes))
        {
            partitions.Add(message.Partition, lanes = new Lanes(inputs));
        }

        var input = message.Input;
        message.IsWaiting = true;
        lanes.Queues[input].Enqueue(new Waiting(message, time));
        if (time is { } known)
        {
            lanes.LastTime[input] = Math.Max(lanes.LastTime[input], known);
        }

        lanes.CaughtUpAt[input] = 0;
        lanes.ConfirmedAt[input] = 0;
        lanes.BehindAt[input] = 0;
        lanes.WaitedSince[input] = 0;
        lanes.GaveUp[input] = false;
        Held++;
        if (lanes.Queues[input].Count >= MaxHeld && !lanes.Paused[input])
        {
            lanes.Paused[input] = true;
            progress.Pause(input, message.Partition);
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
                var queue = lanes.Queues[input];
                var message = queue.Dequeue().Message;
                message.IsWaiting = false;
                released.Add(message);
                Held--;
                if (lanes.Paused[input] && queue.Count <= MaxHeld / 2)
                {
                    lanes.Paused[input] = false;
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
                Held -= lanes.Queues[input].Count;
                if (lanes.Paused[input])
                {
                    progress.Resume(input, partition);
                }
            }

            partitions.Remove(partition);
        }
    }

    /// <summary>The input whose head goes next in <paramref name="partition"/>, or <see langword="null"/> when none may go yet.</summary>
    private int? Next(int partition, Lanes lanes, long now, bool drained)
    {
        int? oldest = null;
        var oldestTime = long.MaxValue;
        for (var input = 0; input < inputs; input++)
        {
            if (!lanes.Queues[input].TryPeek(out var head))
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

        if (oldest is null)
        {
            return null;
        }

        for (var input = 0; input < inputs; input++)
        {
            // An input whose last row is later than the head needs no wait: its rows to come are later still.
            if (input == oldest || lanes.Queues[input].Count > 0 || lanes.LastTime[input] > oldestTime || (lanes.LastTime[input] == oldestTime && input > oldest))
            {
                continue;
            }

            if (!MayPass(partition, lanes, input, now, drained, backlog: lanes.Queues[oldest.Value].Count > 1))
            {
                return null;
            }
        }

        return oldest;
    }

    /// <summary>
    /// Whether an input with nothing fetched in <paramref name="partition"/> need not be waited for. With a
    /// <paramref name="backlog"/> waiting on it, that the input has caught up is confirmed with the broker: the client's
    /// own knowledge of the broker's end is only as fresh as its last fetch, and rows written since (a backlog's other
    /// half) would otherwise be taken for none.
    /// </summary>
    private bool MayPass(int partition, Lanes lanes, int input, long now, bool drained, bool backlog)
    {
        if (lanes.GaveUp[input])
        {
            return true;
        }

        // Caught up holds for a moment, or until the input's next message: no call to the client per message while it is quiet.
        var knownAt = backlog ? lanes.ConfirmedAt : lanes.CaughtUpAt;
        if (knownAt[input] != 0 && now - knownAt[input] < CaughtUpTicks)
        {
            return true;
        }

        // Behind holds for a moment too: its rows are on their way, and asking again each turn may cost a request to the broker.
        var behindKnown = lanes.BehindAt[input] != 0 && now - lanes.BehindAt[input] < CaughtUpTicks;
        if (!behindKnown && progress.IsCaughtUp(input, partition, confirm: backlog))
        {
            lanes.CaughtUpAt[input] = now;
            if (backlog)
            {
                lanes.ConfirmedAt[input] = now;
            }

            return true;
        }

        if (!behindKnown)
        {
            lanes.BehindAt[input] = now;
        }

        if (!drained)
        {
            lanes.WaitedSince[input] = 0;
            return false;
        }

        if (lanes.WaitedSince[input] == 0)
        {
            lanes.WaitedSince[input] = now;
        }

        // Given up, the input is not waited for again until its next message.
        lanes.GaveUp[input] = now - lanes.WaitedSince[input] >= maxWaitTicks;
        if (lanes.GaveUp[input])
        {
            waitEnded?.Invoke(input, partition);
        }

        return lanes.GaveUp[input];
    }

    private readonly record struct Waiting(InboundMessage Message, long? Time);

    /// <summary>One partition number's queue per input, with what is known of each input there.</summary>
    private sealed class Lanes(int inputs)
    {
        public Queue<Waiting>[] Queues { get; } = Enumerable.Range(0, inputs).Select(_ => new Queue<Waiting>()).ToArray();

        /// <summary>When an input was last found caught up (stopwatch ticks; 0: not known to be).</summary>
        public long[] CaughtUpAt { get; } = new long[inputs];

        /// <summary>When an input was last confirmed caught up by the broker itself (stopwatch ticks; 0: not known to be).</summary>
        public long[] ConfirmedAt { get; } = new long[inputs];

        /// <summary>When an input was last found behind the broker's end (stopwatch ticks; 0: not known to be).</summary>
        public long[] BehindAt { get; } = new long[inputs];

        /// <summary>When the wait for an input with nothing fetched began, counting only rounds that drained the consumer (stopwatch ticks; 0: not waiting).</summary>
        public long[] WaitedSince { get; } = new long[inputs];

        /// <summary>Whether the wait for an input lasted <see cref="ProcessorOptions.MaxInputWait"/>: not waited for until its next message.</summary>
        public bool[] GaveUp { get; } = new bool[inputs];

        public bool[] Paused { get; } = new bool[inputs];

        /// <summary>The latest timestamp fetched of each input: a topic's rows come in order, so none to come is earlier.</summary>
        public long[] LastTime { get; } = Enumerable.Repeat(long.MinValue, inputs).ToArray();
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
