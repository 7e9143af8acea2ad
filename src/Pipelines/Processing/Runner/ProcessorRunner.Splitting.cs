using System.Diagnostics;
using Confluent.Kafka;

namespace Pipelines.Processing;

// Messages split into chunks: joining them, and dead-lettering the ones that never complete.
public sealed partial class ProcessorRunner<TIn, TOut>
{
    /// <summary>Holds a chunk of a split message; the last one makes the joined message a fetched message of its own.</summary>
    private void AddChunk(ConsumeResult<byte[]?, RowRange> result, int index)
    {
        var (partition, offset, message) = (result.Partition.Value, result.Offset.Value, result.Message);
        var work = Begin(result);
        var chunk = new Reassembler.Chunk(partition, offset, message.Key, inputs.Raw(index)!, message.Headers, message.Timestamp, work);
        Reassembler.Joined? joined;
        try
        {
            joined = reassembler.Add(chunk, (SplitPart)inputs.Decoded(index)!, Stopwatch.GetTimestamp());
        }
        catch (SplitMessageException exception)
        {
            RejectChunks(exception.Chunks, exception);
            return;
        }

        if (joined is null)
        {
            return;
        }

        // The joined message's work holds every chunk's share: their offsets are committed once it is finished.
        var first = joined.First;
        var chained = tracker.Chain(joined.Chunks.Select(c => c.Work).ToList());
        var headers = SplitHeaders.Without(first.Headers);
        RowRange range;
        try
        {
            range = inputs.ReadJoined(joined.Value, headers);
        }
        catch (MessageFormatException exception)
        {
            run.Rejections.Reject(new RejectedMessage(first.Partition, first.Offset, first.Key, joined.Value, headers, first.Timestamp), exception, chained);
            chained.Finish();
            return;
        }

        var joinedResult = new ConsumeResult<byte[]?, RowRange>
        {
            TopicPartitionOffset = new TopicPartitionOffset(options.InputTopic, first.Partition, first.Offset),
            Message = new Message<byte[]?, RowRange> { Key = first.Key, Value = range, Headers = headers, Timestamp = first.Timestamp },
        };
        fetched.Add(new Fetched(joinedResult, inputs.Count - 1, chained));
    }

    private void ExpireSplitMessages(long now)
    {
        if (reassembler.Count == 0)
        {
            return;
        }

        foreach (var (part, chunks) in reassembler.Expire(now, options.SplitTimeout))
        {
            RejectChunks(chunks, new SplitMessageException($"Split message {part.Id} is incomplete: {chunks.Count} of its {part.Count} chunks arrived within {options.SplitTimeout}.", chunks));
        }
    }

    /// <summary>Fails the chunks read of a message that cannot be joined, each as it was consumed, then lets their offsets be committed.</summary>
    private void RejectChunks(IReadOnlyList<Reassembler.Chunk> chunks, Exception reason)
    {
        foreach (var chunk in chunks)
        {
            run.Rejections.Reject(new RejectedMessage(chunk.Partition, chunk.Offset, chunk.Key, chunk.Value, chunk.Headers, chunk.Timestamp), reason, chunk.Work);
            chunk.Work.Finish();
        }
    }
}
