using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;

namespace Pipelines.IntegrationTests.Kafka;

/// <summary>Real Confluent.Kafka clients, and the external kcat client, against the embedded cluster.</summary>
public class EmbeddedKafkaTests
{
    [Fact]
    public async Task Messages_produced_to_a_partitioned_topic_are_consumed_by_key_with_contracts_as_values()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("readings", partitions: 3);
        var sent = Enumerable.Range(0, 60).Select(i => new Reading { Time = i, Sensor = "sensor-" + (i % 6), Value = i / 2.0 }).ToList();

        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }).Build())
        {
            foreach (var reading in sent)
            {
                var result = await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading) });
                Assert.Equal(PersistenceStatus.Persisted, result.Status);
            }
        }

        var received = Consume<string>(kafka, "readings", sent.Count);

        Assert.Equal(3, received.Select(r => r.Partition.Value).Distinct().Count());
        Assert.All(received.GroupBy(r => r.Message.Key), stream => Assert.Single(stream.Select(r => r.Partition.Value).Distinct()));
        foreach (var stream in received.GroupBy(r => r.Message.Key))
        {
            var values = stream.OrderBy(r => r.Offset.Value).Select(r => MessageSerializer.Deserialize<Reading>(r.Message.Value)).ToList();
            Assert.Equal(sent.Where(s => s.Sensor == stream.Key).Select(s => (s.Time, s.Value)), values.Select(v => (v.Time, v.Value)));
        }
    }

    [Fact]
    public async Task Injected_request_errors_reach_the_client_once_then_requests_succeed()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("faults");
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        await producer.ProduceAsync("faults", new Message<Null, string> { Value = "warm-up" });

        const short produceApi = 0;
        kafka.PushRequestErrors(produceApi, ErrorCode.MsgSizeTooLarge);

        var failure = await Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync("faults", new Message<Null, string> { Value = "refused" }));
        var success = await producer.ProduceAsync("faults", new Message<Null, string> { Value = "accepted" });

        Assert.Equal(ErrorCode.MsgSizeTooLarge, failure.Error.Code);
        Assert.Equal(PersistenceStatus.Persisted, success.Status);
    }

    [Fact]
    public async Task A_broker_that_goes_down_refuses_delivery_until_it_comes_back()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("outage");
        // Short delivery timeout so the outage is observed quickly; short reconnect backoff so recovery is too.
        var config = new ProducerConfig { BootstrapServers = kafka.BootstrapServers, MessageTimeoutMs = 2000, ReconnectBackoffMs = 50, ReconnectBackoffMaxMs = 250 };
        using var producer = new ProducerBuilder<Null, string>(config).Build();
        await producer.ProduceAsync("outage", new Message<Null, string> { Value = "before" });

        kafka.SetBrokerDown(1);
        var lost = await Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync("outage", new Message<Null, string> { Value = "during" }));
        kafka.SetBrokerUp(1);
        var after = await producer.ProduceAsync("outage", new Message<Null, string> { Value = "after" });

        Assert.Equal(ErrorCode.Local_MsgTimedOut, lost.Error.Code);
        Assert.Equal(PersistenceStatus.Persisted, after.Status);
        Assert.Equal(["before", "after"], Consume<Ignore>(kafka, "outage", 2).Select(r => Encoding(r.Message.Value)));
    }

    [Fact]
    public async Task An_external_kcat_client_produces_to_and_consumes_from_the_embedded_cluster()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("external");

        var produced = await RunKcat(kafka, "-P -t external -K :", "car-1:first\ncar-2:second\n");
        var received = Consume<string>(kafka, "external", 2);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("external", new Message<string, string> { Key = "car-3", Value = "third" });
        }

        var read = await RunKcat(kafka, "-C -t external -o beginning -c 3 -e -f %k=%s\\n", stdin: null);

        Assert.Equal(0, produced.ExitCode);
        Assert.Equal([("car-1", "first"), ("car-2", "second")], received.Select(r => (r.Message.Key, Encoding(r.Message.Value))));
        Assert.Equal(["car-1=first", "car-2=second", "car-3=third"], read.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Disposing_twice_is_harmless_and_later_calls_are_refused()
    {
        var kafka = EmbeddedKafka.Start();
        kafka.Dispose();
        kafka.Dispose();

        Assert.Throws<ObjectDisposedException>(() => kafka.CreateTopic("late"));
    }

    [Fact]
    public void Invalid_settings_are_refused_with_the_reason()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 0 }));
        using var kafka = EmbeddedKafka.Start();
        Assert.Throws<ArgumentOutOfRangeException>(() => kafka.CreateTopic("t", replicationFactor: 2));
        kafka.CreateTopic("twice");
        Assert.Contains("twice", Assert.Throws<KafkaException>(() => kafka.CreateTopic("twice")).Message);
    }

    private static List<ConsumeResult<TKey, byte[]>> Consume<TKey>(EmbeddedKafka kafka, string topic, int count) =>
        TopicReader.Read<TKey>(kafka.BootstrapServers, topic, count);

    private static string Encoding(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    private static async Task<(int ExitCode, string Output)> RunKcat(EmbeddedKafka kafka, string arguments, string? stdin)
    {
        using var kcat = ChildProcess.Start("kcat", $"-b {kafka.BootstrapServers} {arguments}");
        if (stdin is not null)
        {
            await kcat.WriteInputAndClose(stdin);
        }

        var exitCode = await kcat.WaitForExit();
        Assert.True(exitCode == 0, $"kcat {arguments} failed: {kcat.Errors}");
        return (exitCode, kcat.Output);
    }
}
