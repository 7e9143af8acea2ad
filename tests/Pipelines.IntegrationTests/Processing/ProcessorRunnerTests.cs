using System.Text;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

public class ProcessorRunnerTests
{
    private static readonly TestProcessor<Reading, Doubled> Double =
        new() { Row = (row, context, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }) };

    [Fact]
    public async Task Every_row_is_handled_produced_under_its_key_and_committed_on_shutdown()
    {
        using var harness = new KafkaHarness();
        await harness.Produce(KafkaHarness.Readings(0, 100));
        using var stop = new CancellationTokenSource();

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), Double).RunAsync(stop.Token);
        var outputs = harness.Read("doubled", 100);
        await stop.CancelAsync();
        await run.WithinPatience();

        var doubled = outputs.Select(o => (o.Message.Key, Row: MessageSerializer.Deserialize<Doubled>(o.Message.Value))).ToList();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 2.0), doubled.Select(d => d.Row.Value).Order());
        Assert.All(doubled, d => Assert.Equal(d.Row.Sensor, d.Key));
        var contentType = $"application/msgpack; schema=\"{typeof(Doubled).FullName}\"; fingerprint={MessageSerializer.SchemaOf<Doubled>().Fingerprint}";
        Assert.All(outputs, o => Assert.Equal(contentType, Encoding.UTF8.GetString(o.Message.Headers.GetLastBytes("content-type"))));
        Assert.Equal(100, harness.CommittedTotal("doubler"));
    }

    [Fact]
    public async Task The_output_key_is_the_output_rows_stream_key_from_its_tags()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 3));
        using var stop = new CancellationTokenSource();
        var regroup = new TestProcessor<Reading, Doubled> { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = "fleet", Value = row.Value }) };

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), regroup).RunAsync(stop.Token);
        var outputs = harness.Read("doubled", 3);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.All(outputs, o => Assert.Equal("fleet", o.Message.Key));
    }

    [Fact]
    public async Task A_malformed_message_is_dead_lettered_with_its_reason_and_good_rows_keep_flowing()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 2));
        await harness.ProduceRaw("sensor-x", [0xc1, 0x00, 0x01]);
        await harness.Produce(KafkaHarness.Readings(2, 2));
        using var stop = new CancellationTokenSource();

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), Double).RunAsync(stop.Token);
        var outputs = harness.Read("doubled", 4);
        var letter = harness.Read("readings.dlq", 1).Single();
        await stop.CancelAsync();
        await run.WithinPatience();

        string Header(string key) => Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(key));
        Assert.Equal([0.0, 2.0, 4.0, 6.0], outputs.Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value).Value));
        Assert.Equal(new byte[] { 0xc1, 0x00, 0x01 }, letter.Message.Value);
        Assert.Equal("sensor-x", letter.Message.Key);
        Assert.Equal("test", Header("origin"));
        Assert.Equal("doubler", Header(DeadLetterHeaders.Processor));
        Assert.Equal("readings", Header(DeadLetterHeaders.SourceTopic));
        Assert.Equal("0", Header(DeadLetterHeaders.SourcePartition));
        Assert.Equal("2", Header(DeadLetterHeaders.SourceOffset));
        Assert.Equal(typeof(MessageFormatException).FullName, Header(DeadLetterHeaders.ExceptionType));
        Assert.Contains("Reading", Header(DeadLetterHeaders.ExceptionMessage));
        Assert.Equal(5, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Theory]
    [InlineData(FailurePolicy.DeadLetter)]
    [InlineData(FailurePolicy.Skip)]
    public async Task A_handler_that_keeps_failing_is_retried_then_handled_by_the_policy(FailurePolicy policy)
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 5));
        var attempts = 0;
        var failOnTwo = new TestProcessor<Reading, Doubled>
        {
            Row = (row, context, token) =>
            {
                if (row.Time == 2)
                {
                    Interlocked.Increment(ref attempts);
                    throw new InvalidOperationException("sensor 2 is cursed");
                }

                return Double.Row!(row, context, token);
            },
        };
        using var stop = new CancellationTokenSource();

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(policy), failOnTwo).RunAsync(stop.Token);
        var outputs = harness.Read("doubled", 4);
        var letters = policy == FailurePolicy.DeadLetter ? harness.Read("readings.dlq", 1) : [];
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(3, attempts); // the first try and MaxRetries = 2
        Assert.Equal([0.0, 2.0, 6.0, 8.0], outputs.Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value).Value));
        if (policy == FailurePolicy.DeadLetter)
        {
            Assert.Equal("sensor 2 is cursed", Encoding.UTF8.GetString(letters.Single().Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage)));
            Assert.Equal(2, MessageSerializer.Deserialize<Reading>(letters.Single().Message.Value).Time);
        }

        Assert.Equal(5, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task Under_the_stop_policy_the_processor_faults_and_commits_nothing_from_the_failed_row_on()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 5));
        var failOnTwo = new TestProcessor<Reading, Doubled> { Row = (row, context, token) => row.Time == 2 ? throw new InvalidOperationException("sensor 2 is cursed") : Double.Row!(row, context, token) };

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(FailurePolicy.Stop), failOnTwo).RunAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<ProcessorStoppedException>(() => run.WithinPatience());

        Assert.Equal(2, error.StoppedAt.Offset.Value);
        Assert.Equal("sensor 2 is cursed", error.InnerException?.Message);
        Assert.Equal(2, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task An_output_the_broker_refuses_stops_the_processor_and_its_input_stays_uncommitted()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 3));
        using var stop = new CancellationTokenSource();

        // A permanent error on the first produce request: the idempotent producer fails those outputs.
        harness.Kafka.PushRequestErrors(0, ErrorCode.TopicAuthorizationFailed);
        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), Double).RunAsync(stop.Token);
        var error = await Assert.ThrowsAnyAsync<KafkaException>(() => run.WithinPatience());

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
        Assert.Equal(0, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task A_batch_handler_gets_one_streams_rows_per_call_and_a_failing_batch_is_dead_lettered_whole()
    {
        using var harness = new KafkaHarness(partitions: 1);
        var readings = KafkaHarness.Readings(0, 12).Select(r => { r.Sensor = "sensor-" + (r.Time % 3); return r; }).ToList();
        await harness.Produce(readings);
        using var stop = new CancellationTokenSource();
        var calls = new List<(string Key, long[] Times)>();
        Func<IReadOnlyList<Reading>, Outputs<Doubled>, StreamContext, CancellationToken, ValueTask> handler = (rows, outputs, context, _) =>
        {
            var key = Encoding.UTF8.GetString(context.KeyBytes.Span);
            calls.Add((key, rows.Select(r => r.Time).ToArray()));
            if (key == "sensor-1")
            {
                throw new InvalidOperationException("sensor 1 is cursed");
            }

            foreach (var row in rows)
            {
                outputs.Add(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 });
                outputs.Add(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = -row.Value * 2 });
            }

            return default;
        };

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options() with { MaxRetries = 0 }, new TestProcessor<Reading, Doubled> { Rows = handler }).RunAsync(stop.Token);
        var outputs = harness.Read("doubled", 16);
        var letters = harness.Read("readings.dlq", 4);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.All(calls, call => Assert.All(call.Times, time => Assert.Equal("sensor-" + (time % 3), call.Key)));
        Assert.All(calls, call => Assert.Equal(call.Times.Order(), call.Times));
        Assert.Equal([0L, 0, 2, 2, 3, 3, 5, 5, 6, 6, 8, 8, 9, 9, 11, 11], outputs.Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value).Time).Order());
        Assert.Equal([1L, 4, 7, 10], letters.Select(l => MessageSerializer.Deserialize<Reading>(l.Message.Value).Time).Order());
        Assert.All(letters, l => Assert.Equal("sensor 1 is cursed", Encoding.UTF8.GetString(l.Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage))));
        Assert.Equal(12, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task CommitEvery_commits_after_that_many_messages_long_before_the_interval()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 10));
        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { CommitInterval = TimeSpan.FromHours(1), CommitEvery = 5 };

        var run = new ProcessorRunner<Reading, Doubled>(options, Double).RunAsync(stop.Token);
        harness.Read("doubled", 10);
        var committed = 0L;
        var deadline = DateTime.UtcNow + KafkaHarness.Patience;
        while (committed < 5 && DateTime.UtcNow < deadline)
        {
            committed = harness.CommittedTotal("doubler", partitions: 1);
        }

        Assert.False(run.IsCompleted);
        await stop.CancelAsync();
        await run.WithinPatience();
        Assert.InRange(committed, 5, 10);
    }

    [Fact]
    public async Task A_restarted_processor_resumes_from_the_committed_offset_without_loss_or_duplicates()
    {
        using var harness = new KafkaHarness();
        await harness.Produce(KafkaHarness.Readings(0, 50));
        using (var first = new CancellationTokenSource())
        {
            var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), Double).RunAsync(first.Token);
            harness.Read("doubled", 50);
            await first.CancelAsync();
            await run.WithinPatience();
        }

        await harness.Produce(KafkaHarness.Readings(50, 50));
        using var second = new CancellationTokenSource();
        var again = new ProcessorRunner<Reading, Doubled>(harness.Options(), Double).RunAsync(second.Token);
        var outputs = harness.Read("doubled", 100);
        await second.CancelAsync();
        await again.WithinPatience();

        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 2.0), outputs.Select(o => MessageSerializer.Deserialize<Doubled>(o.Message.Value).Value).Order());
        Assert.Equal(100, harness.CommittedTotal("doubler"));
    }
}
