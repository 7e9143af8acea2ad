using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class OffsetCommitterTests
{
    /// <summary>Records what is stored and fails commits with the queued errors, then succeeds.</summary>
    private sealed class FakeSink : IOffsetSink
    {
        public Queue<ErrorCode> Failures { get; } = new();

        public List<TopicPartitionOffset> Stored { get; } = [];

        public int Commits { get; private set; }

        public void Store(TopicPartitionOffset offset) => Stored.Add(offset);

        public void Commit()
        {
            Commits++;
            if (Failures.TryDequeue(out var code))
            {
                throw new KafkaException(code == ErrorCode.Local_Fatal ? new Error(code, "fatal", isFatal: true) : new Error(code));
            }
        }
    }

    private static (OffsetTracker Tracker, OffsetCommitter Committer, List<TimeSpan> Waits) Create(FakeSink sink, int? commitEvery = null)
    {
        var tracker = new OffsetTracker(["in"], new("pipelines.processor", "test"));
        var waits = new List<TimeSpan>();
        var committer = new OffsetCommitter(tracker, sink, "test", commitEvery, NullLogger.Instance, new("pipelines.processor", "test")) { Wait = waits.Add };
        return (tracker, committer, waits);
    }

    private static void Finish(OffsetTracker tracker, int partition, long offset)
    {
        var work = tracker.Rent();
        tracker.Begin(partition, offset, work);
        work.Finish();
    }

    [Fact]
    public void Finished_offsets_are_stored_and_committed_only_when_final_or_when_CommitEvery_is_reached()
    {
        var sink = new FakeSink();
        var (tracker, committer, _) = Create(sink, commitEvery: 3);

        Finish(tracker, 0, 0);
        Finish(tracker, 0, 1);
        committer.StoreFinished(final: false);
        Assert.Equal([new TopicPartitionOffset("in", 0, 2)], sink.Stored);
        Assert.Equal(0, sink.Commits);

        Finish(tracker, 1, 7);
        committer.StoreFinished(final: false);
        Assert.Equal(1, sink.Commits);

        committer.StoreFinished(final: true);
        Assert.Equal(2, sink.Commits);
    }

    [Fact]
    public void A_final_commit_that_fails_retriably_is_tried_five_times_with_doubling_waits_then_left()
    {
        var sink = new FakeSink();
        foreach (var _ in Enumerable.Range(0, 10))
        {
            sink.Failures.Enqueue(ErrorCode.RequestTimedOut);
        }

        var (tracker, committer, waits) = Create(sink);
        committer.StoreFinished(final: true);

        Assert.Equal(OffsetCommitter.FinalAttempts, sink.Commits);
        Assert.Equal([100, 200, 400, 800], waits.Select(w => w.TotalMilliseconds));
        Assert.Null(tracker.StopReason);
    }

    [Fact]
    public void A_final_commit_succeeds_on_the_attempt_after_a_passing_error()
    {
        var sink = new FakeSink();
        sink.Failures.Enqueue(ErrorCode.GroupLoadInProgress);
        var (tracker, committer, waits) = Create(sink);

        committer.StoreFinished(final: true);

        Assert.Equal(2, sink.Commits);
        Assert.Single(waits);
        Assert.Null(tracker.StopReason);
    }

    [Theory]
    [InlineData(ErrorCode.RequestTimedOut)]
    [InlineData(ErrorCode.RebalanceInProgress)]
    [InlineData(ErrorCode.GroupAuthorizationFailed)]
    [InlineData(ErrorCode.Local_NoOffset)]
    public void A_commit_by_count_that_fails_is_left_to_the_next_commit_and_never_stops_the_processor(ErrorCode code)
    {
        var sink = new FakeSink();
        sink.Failures.Enqueue(code);
        var (tracker, committer, waits) = Create(sink, commitEvery: 1);
        Finish(tracker, 0, 0);

        committer.StoreFinished(final: false);

        Assert.Equal(1, sink.Commits);
        Assert.Empty(waits);
        Assert.Null(tracker.StopReason);
    }

    [Fact]
    public void A_fatal_commit_error_stops_the_processor_without_retrying()
    {
        var sink = new FakeSink();
        sink.Failures.Enqueue(ErrorCode.Local_Fatal);
        var (tracker, committer, waits) = Create(sink);

        committer.StoreFinished(final: true);

        Assert.Equal(1, sink.Commits);
        Assert.Empty(waits);
        Assert.IsType<KafkaException>(tracker.StopReason);
    }
}
