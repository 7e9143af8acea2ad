using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class OffsetTrackerTests
{
    private static OffsetTracker NewTracker() => new(["in"], new("pipelines.processor", "test"));

    private static List<TopicPartitionOffset> Take(OffsetTracker tracker)
    {
        var committable = new List<TopicPartitionOffset>();
        tracker.TakeCommittable(committable);
        return committable;
    }

    private static Work Begin(OffsetTracker tracker, int partition, long offset)
    {
        var work = tracker.Rent();
        tracker.Begin(partition, offset, work);
        return work;
    }

    [Fact]
    public void Nothing_is_committable_until_the_first_message_finishes()
    {
        var tracker = NewTracker();
        var first = Begin(tracker, 0, 10);
        Begin(tracker, 0, 11).Finish();

        Assert.Empty(Take(tracker));

        first.Finish();
        Assert.Equal([new TopicPartitionOffset("in", 0, 12)], Take(tracker));
        Assert.Empty(Take(tracker));
    }

    [Fact]
    public void A_gap_holds_back_later_offsets_of_its_partition_only()
    {
        var tracker = NewTracker();
        Begin(tracker, 0, 0).Finish();
        var stuck = Begin(tracker, 0, 1);
        Begin(tracker, 0, 2).Finish();
        Begin(tracker, 1, 5).Finish();

        var committable = Take(tracker);

        Assert.Equal([new TopicPartitionOffset("in", 0, 1), new TopicPartitionOffset("in", 1, 6)], committable.OrderBy(o => o.Partition.Value));
        Assert.Empty(Take(tracker));
        stuck.Finish();
        Assert.Equal([new TopicPartitionOffset("in", 0, 3)], Take(tracker));
    }

    [Fact]
    public void A_message_is_unfinished_while_any_output_of_its_work_is_unacknowledged()
    {
        var tracker = NewTracker();
        var work = tracker.Rent();
        tracker.Begin(0, 7, work);
        tracker.Begin(0, 8, work);
        work.Expect();
        work.Expect();
        work.Finish();

        Assert.Empty(Take(tracker));
        work.Finish();
        Assert.Empty(Take(tracker));
        work.Finish();
        Assert.Equal([new TopicPartitionOffset("in", 0, 9)], Take(tracker));
    }

    [Fact]
    public void A_work_is_reused_only_after_every_message_it_covers_was_taken()
    {
        var tracker = NewTracker();
        var blocker = Begin(tracker, 1, 0);
        var batch = tracker.Rent();
        tracker.Begin(0, 0, batch);
        tracker.Begin(1, 1, batch);
        batch.Finish();
        Take(tracker);

        Assert.NotSame(batch, tracker.Rent());
        blocker.Finish();
        Take(tracker);
        var reused = new[] { tracker.Rent(), tracker.Rent() };
        Assert.Contains(batch, reused);
        Assert.All(reused, w => Assert.False(w.IsDone));
    }

    [Fact]
    public void Acknowledgements_from_other_threads_are_seen()
    {
        var tracker = NewTracker();
        var works = Enumerable.Range(0, 10_000).Select(i =>
        {
            var work = Begin(tracker, 0, i);
            work.Expect();
            work.Finish();
            return work;
        }).ToList();

        Parallel.ForEach(works.AsEnumerable().Reverse(), w => w.Finish());

        Assert.Equal([new TopicPartitionOffset("in", 0, 10_000)], Take(tracker));
    }

    [Fact]
    public void The_first_failure_is_kept_and_revoked_partitions_are_forgotten()
    {
        var tracker = NewTracker();
        var first = new InvalidOperationException("first");
        Begin(tracker, 0, 0).Stop(first);
        Begin(tracker, 0, 1).Stop(new InvalidOperationException("second"));

        tracker.Forget([new TopicPartition("in", 0)]);

        Assert.Same(first, tracker.StopReason);
        Assert.Empty(Take(tracker));
    }

    [Fact]
    public void Messages_of_a_partition_begun_out_of_offset_order_are_refused()
    {
        var tracker = NewTracker();
        Begin(tracker, 0, 5);
        Begin(tracker, 1, 1);

        var error = Assert.Throws<InvalidOperationException>(() => Begin(tracker, 0, 4));
        Assert.Contains("offset order", error.Message);
    }
}
