using System.Diagnostics;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Joins the chunks of split messages, per partition and split id. Each chunk's work stays unfinished while its
/// message is incomplete, so no offset past the first chunk is committed: a restart or a rebalance mid-message
/// reads the whole message again from its first chunk. Memory follows the bytes that arrived, never a count a
/// header claims. For the processing loop's thread only.
/// </summary>
/// <param name="maxSplitMessageBytes">Above this a message is refused rather than held in memory.</param>
internal sealed class Reassembler(long maxSplitMessageBytes)
{
    private readonly Dictionary<(int Partition, string Id), Pending> pending = [];

    /// <summary>How many messages are incomplete.</summary>
    public int Count => pending.Count;

    /// <summary>
    /// Adds a chunk. Returns the joined message when this was its last missing chunk; the message's works are then
    /// the caller's, each holding one share.
    /// </summary>
    /// <exception cref="SplitMessageException">The chunk contradicts the earlier chunks of its message, or the message would be too large; the message's chunks so far are in the exception, their works unfinished.</exception>
    public Joined? Add(InboundMessage chunk, SplitPart part, long now)
    {
        var (id, index, count) = (part.Id, part.Index, part.Count);
        var key = (chunk.Partition, id);
        if (!pending.TryGetValue(key, out var message))
        {
            pending[key] = message = new Pending(part, now);
        }

        message.Received.Add(chunk);
        if (count != message.Count)
        {
            pending.Remove(key);
            throw new SplitMessageException($"chunk {index} of split message {id} says it has {count} chunks; its first chunk said {message.Count}", message.Received);
        }

        if (!message.Parts.TryAdd(index, chunk))
        {
            // Written twice (a producer retry without idempotence): the first copy counts, this one is just committed.
            return null;
        }

        // A chunk waits across fetch rounds, so its value must be its own array (InboundMessage.Keep).
        message.Bytes += chunk.KeptValue!.Length;
        if (message.Bytes > maxSplitMessageBytes)
        {
            pending.Remove(key);
            throw new SplitMessageException($"split message {id} is over {maxSplitMessageBytes} bytes (MaxSplitMessageBytes) after {message.Received.Count} of its {count} chunks", message.Received);
        }

        if (message.Parts.Count < count)
        {
            return null;
        }

        pending.Remove(key);
        var value = new byte[message.Bytes];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            var bytes = message.Parts[i].KeptValue!;
            bytes.CopyTo(value, at);
            at += bytes.Length;
        }

        return new Joined(message.Parts[0], value, message.Received);
    }

    /// <summary>Takes out the messages whose first chunk arrived <paramref name="timeout"/> or longer ago, each with the chunks read of it.</summary>
    public List<(SplitPart First, IReadOnlyList<InboundMessage> Chunks)> Expire(long now, TimeSpan timeout)
    {
        var expired = new List<(SplitPart, IReadOnlyList<InboundMessage>)>();
        foreach (var (key, message) in pending)
        {
            if (Stopwatch.GetElapsedTime(message.Started, now) >= timeout)
            {
                expired.Add((message.First, message.Received));
                pending.Remove(key);
            }
        }

        return expired;
    }

    /// <summary>Forgets the messages of partitions this instance no longer owns; the next owner reads them again.</summary>
    public void Drop(Predicate<int> partitions)
    {
        foreach (var key in pending.Keys.Where(k => partitions(k.Partition)).ToList())
        {
            pending.Remove(key);
        }
    }

    /// <summary>A joined message: its first chunk (key, headers, timestamp), its value and every chunk read for it.</summary>
    public sealed record Joined(InboundMessage First, byte[] Value, IReadOnlyList<InboundMessage> Chunks);

    private sealed class Pending(SplitPart first, long started)
    {
        public SplitPart First { get; } = first;

        public int Count => First.Count;

        // By index, as they arrive: a count from a header is never used to size anything.
        public Dictionary<int, InboundMessage> Parts { get; } = [];

        public List<InboundMessage> Received { get; } = [];

        public long Started { get; } = started;

        public long Bytes { get; set; }
    }
}

/// <summary>A split message that cannot be joined; <see cref="Chunks"/> are what was read of it.</summary>
internal sealed class SplitMessageException(string message, IReadOnlyList<InboundMessage> chunks) : Exception(message)
{
    public IReadOnlyList<InboundMessage> Chunks { get; } = chunks;
}
