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

    [Fact]
    public void A_delivery_with_a_place_in_the_topic_finishes_the_work()
    {
        var tracker = new OffsetTracker(["in"], new("pipelines.processor", "test"));
        var work = tracker.Rent();
        work.Expect();
        work.Finish();

        work.OnDelivered(Report(2, 40));

        Assert.True(work.IsDone);
        Assert.Null(tracker.StopReason);
    }

    [Theory]
    [InlineData(-1, -1, PersistenceStatus.Persisted, ErrorCode.NoError)]
    [InlineData(0, -1, PersistenceStatus.Persisted, ErrorCode.NoError)]
    [InlineData(-1, 5, PersistenceStatus.Persisted, ErrorCode.NoError)]
    [InlineData(0, 5, PersistenceStatus.PossiblyPersisted, ErrorCode.NoError)]
    [InlineData(0, 5, PersistenceStatus.NotPersisted, ErrorCode.Local_MsgTimedOut)]
    public void A_delivery_report_without_an_offset_or_with_an_error_fails_the_work(int partition, long offset, PersistenceStatus status, ErrorCode error)
    {
        var tracker = new OffsetTracker(["in"], new("pipelines.processor", "test"));
        var work = tracker.Rent();
        work.Expect();
        work.Finish();

        work.OnDelivered(Report(partition, offset, status, error));

        Assert.False(work.IsDone);
        Assert.IsType<KafkaException>(tracker.StopReason);
    }
}
