using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class WorkTests
{
    private static DeliveryReport<byte[]?, byte[]?> Report(int partition, long offset, PersistenceStatus status = PersistenceStatus.Persisted, ErrorCode error = ErrorCode.NoError) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("out", partition, offset),
        Status = status,
        Error = new Error(error),
    };

    [Theory]
    [InlineData(2, 40)]
    [InlineData(0, -1001)] // a duplicate-sequence acknowledgement: written by an earlier attempt, place unknown
    [InlineData(-1, -1001)]
    public void A_persisted_delivery_finishes_the_work_whether_or_not_it_says_where(int partition, long offset)
    {
        var tracker = new OffsetTracker(["in"], new("pipelines.processor", "test"));
        var work = tracker.Rent();
        work.Expect();
        work.Finish();

        work.OnDelivered(Report(partition, offset));

        Assert.True(work.IsDone);
        Assert.Null(tracker.StopReason);
        Assert.Null(tracker.TakeReplay());
    }

    [Theory]
    [InlineData(PersistenceStatus.PossiblyPersisted, ErrorCode.NoError)]
    [InlineData(PersistenceStatus.NotPersisted, ErrorCode.Local_MsgTimedOut)]
    [InlineData(PersistenceStatus.PossiblyPersisted, ErrorCode.RequestTimedOut)]
    [InlineData(PersistenceStatus.NotPersisted, ErrorCode.Local_AllBrokersDown)]
    public void A_delivery_that_failed_for_a_passing_reason_fails_the_work_without_stopping(PersistenceStatus status, ErrorCode error)
    {
        var tracker = new OffsetTracker(["in"], new("pipelines.processor", "test"));
        var work = tracker.Rent();
        work.Expect();
        work.Finish();

        work.OnDelivered(Report(0, -1001, status, error));

        Assert.False(work.IsDone);
        Assert.True(work.MustReplay);
        Assert.Null(tracker.StopReason);
        Assert.IsType<KafkaException>(tracker.TakeReplay());
        Assert.Null(tracker.TakeReplay()); // taken once
    }

    [Theory]
    [InlineData(ErrorCode.MsgSizeTooLarge)]
    [InlineData(ErrorCode.TopicAuthorizationFailed)]
    [InlineData(ErrorCode.Local_UnknownTopic)]
    public void A_delivery_the_broker_refused_stops_the_processor(ErrorCode error)
    {
        var tracker = new OffsetTracker(["in"], new("pipelines.processor", "test"));
        var work = tracker.Rent();
        work.Expect();
        work.Finish();

        work.OnDelivered(Report(0, -1001, PersistenceStatus.NotPersisted, error));

        Assert.False(work.IsDone);
        Assert.Equal(error, Assert.IsType<KafkaException>(tracker.StopReason).Error.Code);
    }

    [Fact]
    public void A_failed_flush_fails_the_input_messages_it_holds_and_the_tracker_names_where_to_read_them_again()
    {
        var tracker = new OffsetTracker(["in"], new("pipelines.processor", "test"));
        var done = tracker.Rent();
        tracker.Begin(3, 10, done);
        done.Finish();
        var committable = new List<TopicPartitionOffset>();
        tracker.TakeCommittable(committable);

        // Two messages of partition 3 whose rows went into one output flush, and one of partition 4 that did not.
        var first = tracker.Rent();
        var second = tracker.Rent();
        var other = tracker.Rent();
        tracker.Begin(3, 11, first);
        tracker.Begin(3, 12, second);
        tracker.Begin(4, 7, other);
        first.Expect();
        second.Expect();
        var flush = tracker.Chain([first, second]);
        flush.Expect();
        first.Finish();
        second.Finish();
        other.Finish();
        flush.Finish();

        flush.OnDelivered(Report(0, -1001, PersistenceStatus.NotPersisted, ErrorCode.Local_MsgTimedOut));

        Assert.True(first.MustReplay && second.MustReplay && !other.MustReplay);
        var partitions = tracker.TakeReplayPartitions();
        Assert.Equal([3], partitions);
        Assert.Equal([new TopicPartitionOffset("in", 3, 11)], tracker.ResumeOffsets(partitions));
    }
}
