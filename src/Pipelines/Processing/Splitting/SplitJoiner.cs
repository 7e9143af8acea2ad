using System.Diagnostics;

namespace Pipelines.Processing;

/// <summary>
/// Joins the chunks of split messages as they are fetched: each chunk's offset is registered when it arrives, and
/// the joined message, read by the same reader as any message, goes on as an inbound message whose work holds every
/// chunk's share, so no chunk's offset is committed before the whole message is handled. A message that cannot be
/// joined (contradicting chunks, too large, incomplete after <see cref="ProcessorOptions.SplitTimeout"/>) or whose
/// joined value cannot be read is rejected chunk by chunk, as consumed. For the loop's thread only.
/// </summary>
internal sealed class SplitJoiner<TIn>(InputDeserializer<TIn> inputs, OffsetTracker tracker, ProcessorOptions options)
    where TIn : IMessageContract<TIn>
{
    private readonly Reassembler reassembler = new(options.MaxSplitMessageBytes);

    /// <summary>
    /// Holds <paramref name="chunk"/>, a message of the current fetch round (kept from here on, as it waits across
    /// rounds); returns the joined message once this chunk completes it.
    /// </summary>
    public InboundMessage? Add<TOut>(InboundMessage chunk, Rejections<TIn, TOut> rejections)
        where TOut : IMessageContract<TOut>
    {
        var part = (SplitPart)inputs.Decoded(chunk.Slot)!;
        chunk.Keep(inputs);
        Reassembler.Joined? joined;
        try
        {
            joined = reassembler.Add(chunk, part, Stopwatch.GetTimestamp());
        }
        catch (SplitMessageException exception)
        {
            Reject(exception.Chunks, exception, rejections);
            return null;
        }

        if (joined is null)
        {
            return null;
        }

        // The joined message's work holds every chunk's share: their offsets are committed once it is finished.
        var first = joined.First;
        var chained = tracker.Chain(joined.Chunks.Select(c => c.Work).ToList());
        var headers = SplitHeaders.Without(first.Headers!);
        var message = InboundMessage.Kept(first.Partition, first.Offset, first.Key, headers, first.Timestamp, default, joined.Value, chained, first.Input);
        try
        {
            message.Rows = inputs.ReadKept(joined.Value, headers, first.Input);
            inputs.Stamp(first.Timestamp);
        }
        catch (MessageFormatException exception)
        {
            rejections.Reject(message, exception, chained);
            chained.Finish();
            return null;
        }

        return message;
    }

    /// <summary>Rejects the messages whose first chunk arrived <see cref="ProcessorOptions.SplitTimeout"/> or longer before <paramref name="now"/>.</summary>
    public void Expire<TOut>(long now, Rejections<TIn, TOut> rejections)
        where TOut : IMessageContract<TOut>
    {
        if (reassembler.Count == 0)
        {
            return;
        }

        foreach (var (part, chunks) in reassembler.Expire(now, options.SplitTimeout))
        {
            Reject(chunks, new SplitMessageException($"Split message {part.Id} is incomplete: {chunks.Count} of its {part.Count} chunks arrived within {options.SplitTimeout}.", chunks), rejections);
        }
    }

    /// <summary>Forgets the messages of partitions this instance no longer owns; the next owner reads them again.</summary>
    public void Drop(Predicate<int> partitions) => reassembler.Drop(partitions);

    /// <summary>Fails the chunks read of a message that cannot be joined, each as it was consumed, then lets their offsets be committed.</summary>
    private static void Reject<TOut>(IReadOnlyList<InboundMessage> chunks, Exception reason, Rejections<TIn, TOut> rejections)
        where TOut : IMessageContract<TOut>
    {
        foreach (var chunk in chunks)
        {
            rejections.Reject(chunk, reason, chunk.Work);
            chunk.Work.Finish();
        }
    }
}
