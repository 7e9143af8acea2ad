using Confluent.Kafka;
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
}
