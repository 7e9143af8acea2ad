using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// One message read from an input topic, from fetch to commit: where it was read, what it carried, the work whose
/// end lets its offset be committed and the stream it belongs to. Every failure path (a dead letter, a skip, a stop)
/// builds from it. A split message's chunks are inbound messages too, and so is the message joined from them.
/// </summary>
/// <remarks>
/// The fetch round recycles its messages (see <see cref="InputFetcher{TIn, TOut}"/>), so a message handled within its
/// round costs no allocation. Whatever must outlive the round (rows waiting in input buffers, a chunk waiting for the
/// rest of its message) calls <see cref="Keep"/> first, which copies the value out of the round's buffer.
/// </remarks>
internal sealed class InboundMessage
{
    /// <summary>Which of the processor's inputs it was read from: 0, unless the processor has several (<see cref="ProcessorOptions.InputTopics"/>).</summary>
    public int Input { get; private set; }

    public int Partition { get; private set; }

    public long Offset { get; private set; }

    /// <summary>The stream key: one shared array per stream (see <see cref="Utf8StringPool"/>).</summary>
    public byte[]? Key { get; private set; }

    public Headers? Headers { get; private set; }

    public Timestamp Timestamp { get; private set; }

    /// <summary>What the message carried: its rows in the fetch round, or another kind of message.</summary>
    public RowRange Rows { get; set; }

    /// <summary>Where the fetch round keeps the value as consumed (see <see cref="InputDeserializer{T}.Value"/>); -1 once kept or when not in a round.</summary>
    public int Slot { get; private set; }

    /// <summary>The value as consumed, once copied out of the round by <see cref="Keep"/> (or given as is); else <see langword="null"/>.</summary>
    public byte[]? KeptValue { get; private set; }

    /// <summary>The message's work: its offset is committed once this work and every earlier one are finished.</summary>
    public Work Work { get; private set; } = null!;

    /// <summary>The stream it belongs to; set when the loop opens or finds the stream.</summary>
    public StreamInfo Stream { get; set; } = null!;

    /// <summary>Whether the message outlives its fetch round, so the round must not recycle it.</summary>
    public bool IsKept { get; private set; }

    /// <summary>Fills a fresh or recycled message with what was consumed.</summary>
    public InboundMessage Fill(int partition, long offset, byte[]? key, Headers? headers, Timestamp timestamp, RowRange rows, int slot, Work work, int input = 0)
    {
        Input = input;
        Partition = partition;
        Offset = offset;
        Key = key;
        Headers = headers;
        Timestamp = timestamp;
        Rows = rows;
        Slot = slot;
        KeptValue = null;
        Work = work;
        Stream = null!;
        IsKept = false;
        IsHeld = false;
        IsWaiting = false;
        return this;
    }

    /// <summary>A message whose value is already its own array (a chunk copied out, a joined message); kept from the start.</summary>
    public static InboundMessage Kept(int partition, long offset, byte[]? key, Headers? headers, Timestamp timestamp, RowRange rows, byte[]? value, Work work, int input = 0)
    {
        var message = new InboundMessage().Fill(partition, offset, key, headers, timestamp, rows, -1, work, input);
        message.KeptValue = value;
        message.IsKept = true;
        return message;
    }

    /// <summary>Copies the value out of the fetch round (from <paramref name="round"/>'s buffer) so the message may outlive the round.</summary>
    public void Keep<T>(InputDeserializer<T> round)
        where T : IMessageContract<T>
    {
        if (IsKept)
        {
            return;
        }

        KeptValue = Slot >= 0 ? round.Value(Slot) : null;
        Slot = -1;
        IsKept = true;
    }

    /// <summary>Whether it waits in the <see cref="InputAligner"/> for another input.</summary>
    public bool IsWaiting { get; set; }

    /// <summary>Whether its rows must be read again (<see cref="Reread"/>): it waited past the fetch round they were read in.</summary>
    public bool IsHeld { get; private set; }

    /// <summary>Lets the message wait past its fetch round without its rows, which the round forgets: they are read again on release.</summary>
    public void Hold<T>(InputDeserializer<T> round)
        where T : IMessageContract<T>
    {
        Keep(round);
        IsHeld = true;
    }

    /// <summary>Reads a held message's value again into the current round, so its rows and what it decoded are there as if just fetched.</summary>
    public void Reread<T>(InputDeserializer<T> round)
        where T : IMessageContract<T>
    {
        // It was read once without error, and reading is deterministic.
        Rows = round.ReadKept(KeptValue!, Headers, Input);
        round.Stamp(Timestamp);
        Slot = round.Count - 1;
        IsHeld = false;
    }

    /// <summary>The value as consumed, as a new array (or the kept one); <see langword="null"/> for a null value.</summary>
    public byte[]? ValueFrom<T>(InputDeserializer<T> round)
        where T : IMessageContract<T> =>
        KeptValue ?? (Slot >= 0 ? round.Value(Slot) : null);
}
