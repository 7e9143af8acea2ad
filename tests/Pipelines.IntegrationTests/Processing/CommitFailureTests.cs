using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>
/// A commit the broker cannot take never stops a processor: at a stop and at a hand-over it is retried, then left,
/// the stop returns normally with the consumer closed, and the next owner reprocesses at worst (no row lost).
/// </summary>
public class CommitFailureTests
{
    private const short OffsetCommitApi = 8;

    // More than librdkafka's own retries and all of the runner's attempts can use up.
    private const int Persistent = 30;

    private static readonly TestProcessor<Reading, Doubled> Double =
        new() { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }) };

    private static ProcessorOptions Options(KafkaHarness harness) =>
        harness.Options() with { CommitInterval = TimeSpan.FromHours(1) }; // only the commits under test

    [Theory]
    [InlineData(ErrorCode.RequestTimedOut)]
    [InlineData(ErrorCode.GroupLoadInProgress)]
    [InlineData(ErrorCode.NotCoordinatorForGroup)] // the client then waits for a coordinator: "Local: Waiting for coordinator"
    public async Task A_stop_whose_commits_keep_failing_returns_normally_and_a_restart_loses_no_row(ErrorCode error)
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 20));
        var logger = new ListLogger();
        using (var stop = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, Doubled>(Options(harness), Double, logger).RunAsync(stop.Token);
            harness.ReadUntilSeen(Enumerable.Range(0, 20).Select(i => (long)i));
            harness.Kafka.PushRequestErrors(OffsetCommitApi, Enumerable.Repeat(error, Persistent).ToArray());
            await stop.CancelAsync();
            await run.WithinPatience(); // does not throw
        }

        Assert.Contains(logger.At(LogLevel.Warning), m => m.Contains("could not commit", StringComparison.Ordinal));
        Assert.Contains(logger.At(LogLevel.Information), m => m == "Processor doubler stopped");
        Assert.Empty(logger.At(LogLevel.Critical));

        // The uncommitted rows are the restarted processor's to handle again, with the new ones: none is lost.
        await harness.Produce(KafkaHarness.Readings(20, 5));
        using var again = new CancellationTokenSource();
        var restarted = new ProcessorRunner<Reading, Doubled>(Options(harness), Double).RunAsync(again.Token);
        var seen = harness.ReadUntilSeen(Enumerable.Range(0, 25).Select(i => (long)i));
        await again.CancelAsync();
        await restarted.WithinPatience();
        Assert.Equal(25, seen.Count);
    }

    [Fact]
    public async Task A_commit_that_fails_a_few_times_at_a_stop_is_retried_until_it_succeeds()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 20));
        var logger = new ListLogger();
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(Options(harness), Double, logger).RunAsync(stop.Token);
        harness.ReadUntilSeen(Enumerable.Range(0, 20).Select(i => (long)i));

        harness.Kafka.PushRequestErrors(OffsetCommitApi, ErrorCode.GroupLoadInProgress, ErrorCode.GroupLoadInProgress, ErrorCode.GroupLoadInProgress);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Contains(logger.At(LogLevel.Warning), m => m.Contains("Coordinator load in progress", StringComparison.Ordinal) && m.Contains("retrying", StringComparison.Ordinal));
        Assert.Equal(20, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task Commits_failing_during_a_rebalance_neither_stop_the_instance_handing_over_nor_lose_a_row()
    {
        using var harness = new KafkaHarness(partitions: 4);
        await harness.Produce(KafkaHarness.Readings(0, 100));
        var firstLog = new ListLogger();
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var first = new ProcessorRunner<Reading, Doubled>(Options(harness), Double, firstLog).RunAsync(stopFirst.Token);
        harness.ReadUntilSeen(Enumerable.Range(0, 100).Select(i => (long)i));

        // The second instance joining revokes the first one's partitions; its hand-over commit meets the errors.
        harness.Kafka.PushRequestErrors(OffsetCommitApi, Enumerable.Repeat(ErrorCode.RequestTimedOut, Persistent).ToArray());
        var secondLog = new ListLogger();
        var second = new ProcessorRunner<Reading, Doubled>(Options(harness), Double, secondLog).RunAsync(stopSecond.Token);
        await firstLog.Logged(LogLevel.Warning, "could not commit", stopped: first);

        await harness.Produce(KafkaHarness.Readings(100, 100));
        var seen = harness.ReadUntilSeen(Enumerable.Range(0, 200).Select(i => (long)i));

        Assert.Contains(firstLog.At(LogLevel.Warning), m => m.Contains("could not commit", StringComparison.Ordinal));
        Assert.False(first.IsCompleted || second.IsCompleted, "An instance stopped.");
        await stopFirst.CancelAsync();
        await stopSecond.CancelAsync();
        await Task.WhenAll(first, second).WithinPatience(() => $"First instance: {firstLog}\nSecond instance: {secondLog}");
        Assert.Equal(200, seen.Count);
    }
}
