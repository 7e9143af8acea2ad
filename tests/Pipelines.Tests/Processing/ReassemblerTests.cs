using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class ReassemblerTests
{
    private static readonly OffsetTracker Tracker = new(["in"], new("pipelines.processor", "test"));

    private static InboundMessage Chunk(long offset, byte[] value) => InboundMessage.Kept(0, offset, null, [], Timestamp.Default, new RowRange(0, 0, value.Length, MessageType.Chunk), value, Tracker.Rent());

    [Fact]
    public void Chunks_are_joined_in_index_order_whatever_order_they_arrive_in()
    {
        var reassembler = new Reassembler(1024);

        Assert.Null(reassembler.Add(Chunk(0, [3]), new SplitPart("m", 2, 3), 0));
        Assert.Null(reassembler.Add(Chunk(1, [1]), new SplitPart("m", 0, 3), 0));
        var joined = reassembler.Add(Chunk(2, [2]), new SplitPart("m", 1, 3), 0);

        Assert.Equal([1, 2, 3], joined!.Value);
        Assert.Equal(1, joined.First.Offset);
        Assert.Equal([0L, 1, 2], joined.Chunks.Select(c => c.Offset));
        Assert.Equal(0, reassembler.Count);
    }

    [Fact]
    public void A_count_claiming_billions_of_chunks_costs_only_the_chunks_that_arrived_and_expires()
    {
        var reassembler = new Reassembler(long.MaxValue);

        // Sized by the count, this would be a 16 GB array; held by what arrived, it is one small chunk.
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(reassembler.Add(Chunk(0, [1, 2]), new SplitPart("huge", 0, int.MaxValue), 0));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, 4096);
        var expired = Assert.Single(reassembler.Expire(now: long.MaxValue, TimeSpan.FromSeconds(1)));
        Assert.Equal(("huge", int.MaxValue), (expired.First.Id, expired.First.Count));
        Assert.Equal(0, Assert.Single(expired.Chunks).Offset);
    }

    [Fact]
    public void A_message_over_the_cap_is_refused_with_every_chunk_read_of_it()
    {
        var reassembler = new Reassembler(4);

        Assert.Null(reassembler.Add(Chunk(0, [1, 2, 3]), new SplitPart("m", 0, 3), 0));
        var error = Assert.Throws<SplitMessageException>(() => reassembler.Add(Chunk(1, [4, 5]), new SplitPart("m", 1, 3), 0));

        Assert.Contains("over 4 bytes (MaxSplitMessageBytes)", error.Message);
        Assert.Equal([0L, 1], error.Chunks.Select(c => c.Offset));
        Assert.Equal(0, reassembler.Count);
    }

    [Fact]
    public void A_chunk_whose_count_contradicts_its_first_chunk_refuses_the_message()
    {
        var reassembler = new Reassembler(1024);

        Assert.Null(reassembler.Add(Chunk(0, [1]), new SplitPart("m", 0, 3), 0));
        var error = Assert.Throws<SplitMessageException>(() => reassembler.Add(Chunk(1, [2]), new SplitPart("m", 1, 2), 0));

        Assert.Contains("says it has 2 chunks; its first chunk said 3", error.Message);
        Assert.Equal(2, error.Chunks.Count);
    }

    [Fact]
    public void A_chunk_written_twice_counts_once()
    {
        var reassembler = new Reassembler(1024);

        Assert.Null(reassembler.Add(Chunk(0, [1]), new SplitPart("m", 0, 2), 0));
        Assert.Null(reassembler.Add(Chunk(1, [9]), new SplitPart("m", 0, 2), 0));
        var joined = reassembler.Add(Chunk(2, [2]), new SplitPart("m", 1, 2), 0);

        Assert.Equal([1, 2], joined!.Value);
        Assert.Equal(3, joined.Chunks.Count);
    }
}
