using System.Diagnostics;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Joins the chunks of split messages, per partition and split id. Each chunk's work stays unfinished while its
/// message is incomplete, so no offset past the first chunk is committed: a restart or a rebalance mid-message
/// reads the whole message again from its first chunk. For the processing loop's thread only.
/// </summary>
internal sealed class Reassembler
{
    /// <summary>Above this a message is refused rather than held in memory, whatever its headers claim.</summary>
    public const long MaxMessageBytes = 256L * 1024 * 1024;

    private readonly Dictionary<(int Partition, string Id), Pending> pending = [];

    /// <summary>How many messages are incomplete.</summary>
    public int Count => pending.Count;

    /// <summary>
    /// Adds a chunk. Returns the joined message when this was its last missing chunk; the message's works are then
    /// the caller's, each holding one share.
    /// </summary>
    /// <exception cref="SplitMessageException">The chunk contradicts the earlier chunks of its message, or the message would be too large; the message's chunks so far are in the exception, their works unfinished.</exception>
    public Joined? Add(Chunk chunk, string id, int index, int count, long now)
    {
        var key = (chunk.Partition, id);
        if (!pending.TryGetValue(key, out var message))
        {
            pending[key] = message = new Pending(count, now);
        }

        if (count != message.Parts.Length)
        {
            pending.Remove(key);
            message.Received.Add(chunk);
            throw new SplitMessageException($"chunk {index} of split message {id} says it has {count} chunks; its first chunk said {message.Parts.Length}", message.Received);
        }

        message.Received.Add(chunk);
        if (message.Parts[index] is not null)
        {
            // Written twice (a producer retry without idempotence): the first copy counts, this one is just committed.
            return null;
        }

        message.Parts[index] = chunk;
        message.Bytes += chunk.Value.Length;
        if (message.Bytes > MaxMessageBytes)
        {
            pending.Remove(key);
            throw new SplitMessageException($"split message {id} is over {MaxMessageBytes / (1024 * 1024)} MiB after {message.Received.Count} of {count} chunks", message.Received);
        }

        if (++message.Filled < count)
        {
            return null;
        }

        pending.Remove(key);
        var value = new byte[message.Bytes];
        var at = 0;
        foreach (var part in message.Parts)
        {
            part!.Value.CopyTo(value, at);
            at += part.Value.Length;
        }

        var first = message.Parts[0]!;
        return new Joined(first, value, message.Received);
    }

    /// <summary>Takes out the messages whose first chunk arrived <paramref name="timeout"/> or longer ago.</summary>
    public List<IReadOnlyList<Chunk>> Expire(long now, TimeSpan timeout)
    {
        var expired = new List<IReadOnlyList<Chunk>>();
        foreach (var (key, message) in pending)
        {
            if (Stopwatch.GetElapsedTime(message.Started, now) >= timeout)
            {
                expired.Add(message.Received);
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

    /// <summary>One chunk as consumed.</summary>
    public sealed record Chunk(int Partition, long Offset, byte[]? Key, byte[] Value, Headers Headers, Timestamp Timestamp, Work Work);

    /// <summary>A joined message: its first chunk (key, headers, timestamp), its value and every chunk read for it.</summary>
    public sealed record Joined(Chunk First, byte[] Value, IReadOnlyList<Chunk> Chunks);

    private sealed class Pending(int count, long started)
    {
        public Chunk?[] Parts { get; } = new Chunk?[count];

        public List<Chunk> Received { get; } = [];

        public long Started { get; } = started;

        public long Bytes { get; set; }

        public int Filled { get; set; }
    }
}

/// <summary>A split message that cannot be joined; <see cref="Chunks"/> are what was read of it.</summary>
internal sealed class SplitMessageException(string message, IReadOnlyList<Reassembler.Chunk> chunks) : Exception(message)
{
    public IReadOnlyList<Reassembler.Chunk> Chunks { get; } = chunks;
}
