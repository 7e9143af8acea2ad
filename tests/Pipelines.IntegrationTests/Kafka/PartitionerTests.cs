using System.Text;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.IntegrationTests.Tables;
using Pipelines.Processing;
using Pipelines.Publishing;
using Pipelines.Testing;

namespace Pipelines.IntegrationTests.Kafka;

/// <summary>
/// Keys land where the rest of the ecosystem puts them: what Pipelines writes, a Python client with the Java-compatible
/// partitioner writes and Kafka's own murmur2 computes agree, so a table written by a Java or Quix service joins an
/// input Pipelines wrote.
/// </summary>
public sealed class PartitionerTests
{
    private const int Partitions = 7;
    private const int Keys = 100;

    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void The_reference_hashes_as_Kafkas_own_tests_say(string key, int hash) =>
        Assert.Equal(hash, JavaPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public async Task Keys_a_topic_writer_and_a_processor_write_land_in_the_partitions_Java_clients_put_them_in()
    {
        using var harness = new KafkaHarness(Partitions);
        harness.Write(Enumerable.Range(0, Keys).Select(i => new Reading { Sensor = $"sensor-{i}", Time = i, Value = i }));
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), TestProcessor.Rows<Reading, Doubled>((row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Sensor = row.Sensor, Time = row.Time, Value = row.Value * 2 }))).RunAsync(stop.Token);
        var written = harness.Read("readings", Keys);
        var doubled = harness.Read("doubled", Keys);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.All(written.Concat(doubled), m => Assert.Equal(JavaPartitioner.PartitionOf(Encoding.UTF8.GetBytes(m.Message.Key), Partitions), m.Partition.Value));
        Assert.True(written.Select(m => m.Partition.Value).Distinct().Count() == Partitions, "100 keys over 7 partitions: every partition should hold some");
    }

    [Fact]
    public async Task Keys_a_Python_client_places_with_its_Java_compatible_partitioner_are_where_Pipelines_places_them()
    {
        using var harness = new KafkaHarness(Partitions);
        harness.Kafka.CreateTopic("python-placed", Partitions);
        harness.Write(Enumerable.Range(0, Keys).Select(i => new Reading { Sensor = $"sensor-{i}", Time = i }));
        await Python.Run(
            """
            import sys
            from confluent_kafka import Producer
            producer = Producer({'bootstrap.servers': sys.argv[1], 'partitioner': 'murmur2_random'})
            for i in range(int(sys.argv[3])):
                producer.produce(sys.argv[2], key='sensor-%d' % i, value=b'')
            if producer.flush(30) != 0:
                sys.exit('not every message was delivered')
            """,
            harness.Kafka.BootstrapServers, "python-placed", Keys.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var pipelines = harness.Read("readings", Keys).ToDictionary(m => m.Message.Key, m => m.Partition.Value);
        var python = harness.Read("python-placed", Keys).ToDictionary(m => m.Message.Key, m => m.Partition.Value);

        Assert.Equal(pipelines.OrderBy(p => p.Key), python.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task A_table_a_Java_client_placed_joins_every_row_of_an_input_Pipelines_wrote_across_two_instances()
    {
        const int TablePartitions = 4;
        using var harness = new KafkaHarness(TablePartitions);
        harness.Kafka.CreateTopic("sensor-names", TablePartitions);
        harness.Kafka.CreateTopic("labeled-readings", TablePartitions);
        var sensors = Enumerable.Range(0, 40).Select(i => $"sensor-{i}").ToList();

        // Each name in the partition Kafka's murmur2 gives its key, as a Java or Quix Streams service writes it.
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers }).Build())
        {
            foreach (var sensor in sensors)
            {
                var partition = JavaPartitioner.PartitionOf(Encoding.UTF8.GetBytes(sensor), TablePartitions);
                await producer.ProduceAsync(new TopicPartition("sensor-names", partition), new Message<string, byte[]> { Key = sensor, Value = MessageSerializer.Serialize(new SensorName { Sensor = sensor, Name = "name of " + sensor }) });
            }
        }

        // Two instances, each holding its half of the table: a reading placed elsewhere than its name finds nothing.
        var options = harness.Options() with { Name = "SensorLabeler", GroupId = "sensor-labeler", OutputTopic = "labeled-readings" };
        var statuses = new[] { new ProcessorStatus("first"), new ProcessorStatus("second") };
        using var stop = new CancellationTokenSource();
        var runs = statuses.Select(status => new ProcessorRunner<Reading, LabeledReading>(options, new SensorLabeler(), status: status).RunAsync(stop.Token)).ToList();
        await Bounded.Until(() => Task.FromResult(statuses.All(s => s is { Phase: ProcessorPhase.Running, AssignedPartitions: > 0 }) && statuses.Sum(s => s.AssignedPartitions) == TablePartitions), () => string.Join("; ", statuses.Select(s => s.ToString())));
        using (var writer = new TopicWriter<Reading>(new TopicWriterOptions { BootstrapServers = harness.Kafka.BootstrapServers }))
        {
            foreach (var (sensor, i) in sensors.Select((s, i) => (s, i)))
            {
                writer.Write(new Reading { Sensor = sensor, Time = i });
            }
        }

        var labeled = harness.Read("labeled-readings", sensors.Count).Select(m => MessageSerializer.Deserialize<LabeledReading>(m.Message.Value)).ToList();
        await stop.CancelAsync();
        await Task.WhenAll(runs).WithinPatience();

        Assert.Equal(sensors.Select(s => (s, "name of " + s)).Order(), labeled.Select(l => (l.Sensor, l.Name)).Order());
        Assert.All(labeled, l => Assert.InRange(l.Held, 1, sensors.Count - 1)); // each instance held its share only
    }
}
