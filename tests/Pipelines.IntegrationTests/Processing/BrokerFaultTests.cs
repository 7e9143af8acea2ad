using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

public class BrokerFaultTests
{
    private const short ProduceApi = 0;
    private const short FetchApi = 1;
    private const short OffsetCommitApi = 8;

    [Fact]
    public async Task A_broker_outage_and_transient_request_errors_mid_stream_lose_nothing()
    {
        using var harness = new KafkaHarness();
        await harness.Produce(KafkaHarness.Readings(0, 300));
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(
            harness.Options() with { CommitInterval = TimeSpan.FromMilliseconds(200) },
            new TestProcessor<Reading, Doubled> { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }) }).RunAsync(stop.Token);

        harness.ReadUntilSeen([0]);
        harness.Kafka.PushRequestErrors(ProduceApi, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas);
        harness.Kafka.PushRequestErrors(FetchApi, ErrorCode.NotLeaderForPartition, ErrorCode.UnknownTopicOrPart);
        harness.Kafka.PushRequestErrors(OffsetCommitApi, ErrorCode.GroupLoadInProgress);
        harness.Kafka.SetBrokerDown(1);
        harness.Kafka.SetBrokerUp(1);

        var seen = harness.ReadUntilSeen(Enumerable.Range(0, 300).Select(i => (long)i));
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(300, seen.Count);
        Assert.Equal(300, harness.CommittedTotal("doubler"));
    }

    [Fact]
    public async Task Outputs_that_time_out_are_written_again_from_their_input_and_the_processor_runs_on()
    {
        using var harness = new KafkaHarness();
        await harness.Produce(KafkaHarness.Readings(0, 100));
        var log = new ListLogger();

        // The next produce requests fail with a retriable error, and librdkafka gives a message a second: the first
        // outputs time out after their retries (Local_MsgTimedOut), a failure that may pass, as the errors do.
        harness.Kafka.PushRequestErrors(ProduceApi, Enumerable.Repeat(ErrorCode.NotEnoughReplicas, 40).ToArray());
        var options = harness.Options() with
        {
            CommitInterval = TimeSpan.FromMilliseconds(200),
            Kafka = new Dictionary<string, string> { ["message.timeout.ms"] = "1000", ["retry.backoff.ms"] = "250", ["retry.backoff.max.ms"] = "250" },
        };
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(options, new TestProcessor<Reading, Doubled> { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }) }, log).RunAsync(stop.Token);

        var seen = harness.ReadUntilSeen(Enumerable.Range(0, 100).Select(i => (long)i));
        var rewound = log.At(LogLevel.Warning).Where(m => m.Contains("reads those partitions again", StringComparison.Ordinal)).ToList();
        var stillRunning = !run.IsCompleted;
        await stop.CancelAsync();
        await run.WithinPatience(() => log.ToString());

        Assert.Equal(100, seen.Count);
        Assert.True(stillRunning, log.ToString());
        Assert.True(rewound.Count > 0, log.ToString());
        Assert.Contains("Local: Message timed out", rewound[0], StringComparison.Ordinal);
        Assert.Equal(100, harness.CommittedTotal("doubler"));
    }
}
