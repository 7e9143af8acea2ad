using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class OffsetTrackerTests
{
    private static readonly TopicPartition P0 = new("in", 0);
    private static readonly TopicPartition P1 = new("in", 1);

    [Fact]
    public void Nothing_is_committable_until_the_first_message_finishes()
    {
        var tracker = new OffsetTracker();
        var first = tracker.Begin(new TopicPartitionOffset(P0, 10));
        tracker.Begin(new TopicPartitionOffset(P0, 11)).Complete();

        Assert.Empty(tracker.TakeCommittable());

        first.Complete();
        Assert.Equal([new TopicPartitionOffset(P0, 12)], tracker.TakeCommittable());
        Assert.True(tracker.IsIdle);
    }

    [Fact]
    public void A_gap_holds_back_later_offsets_of_its_partition_only()
    {
        var tracker = new OffsetTracker();
        tracker.Begin(new TopicPartitionOffset(P0, 0)).Complete();
        var stuck = tracker.Begin(new TopicPartitionOffset(P0, 1));
        tracker.Begin(new TopicPartitionOffset(P0, 2)).Complete();
        tracker.Begin(new TopicPartitionOffset(P1, 5)).Complete();

        var committable = tracker.TakeCommittable();

        Assert.Equal([new TopicPartitionOffset(P0, 1), new TopicPartitionOffset(P1, 6)], committable.OrderBy(o => o.Partition.Value));
        Assert.Empty(tracker.TakeCommittable());
        stuck.Complete();
        Assert.Equal([new TopicPartitionOffset(P0, 3)], tracker.TakeCommittable());
    }

    [Fact]
    public void Completions_from_other_threads_are_seen()
    {
        var tracker = new OffsetTracker();
        var completions = Enumerable.Range(0, 10_000).Select(i => tracker.Begin(new TopicPartitionOffset(P0, i))).ToList();

        Parallel.ForEach(completions.AsEnumerable().Reverse(), c => c.Complete());

        Assert.Equal([new TopicPartitionOffset(P0, 10_000)], tracker.TakeCommittable());
    }

    [Fact]
    public void The_first_failure_is_kept_and_revoked_partitions_are_forgotten()
    {
        var tracker = new OffsetTracker();
        var first = new InvalidOperationException("first");
        tracker.Begin(new TopicPartitionOffset(P0, 0)).Fail(first);
        tracker.Begin(new TopicPartitionOffset(P0, 1)).Fail(new InvalidOperationException("second"));

        tracker.Forget([P0]);

        Assert.Same(first, tracker.Failure);
        Assert.True(tracker.IsIdle);
        Assert.Empty(tracker.TakeCommittable());
    }
}
