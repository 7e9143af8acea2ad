using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.Publishing;
using Pipelines.Sinks;
using Pipelines.Sources;

namespace Pipelines.IntegrationTests.Sources;

/// <summary>A session a Parquet sink recorded, replayed onto a topic of the embedded broker: every row, in each stream's order.</summary>
public sealed class ReplayTopicTests : IDisposable
{
    private readonly KafkaHarness harness = new(partitions: 3);
    private readonly string directory = Directory.CreateTempSubdirectory("pipelines-recording-").FullName;

    public void Dispose()
    {
        harness.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_recorded_session_replays_onto_its_topic_packed_every_row_once_in_each_streams_order()
    {
        var recorded = Enumerable.Range(0, 1_000).Select(i => new Reading { Time = 1_733_550_000_000_000_000 + (i * 1_000_000L), Sensor = $"sensor-{i % 3}", Value = i * 0.5 }).ToList();
        var recorder = new ParquetSink<Reading>(new ParquetSinkOptions { Directory = directory });
        await recorder.WriteAsync(new SinkBatch<Reading>(recorded[..600], [new SinkPosition("readings", 0, null, 600)], null), default);
        await recorder.WriteAsync(new SinkBatch<Reading>(recorded[600..], [new SinkPosition("readings", 0, 600, 1_000)], null), default);
        var log = new StringWriter();

        ReplayProgress last;
        using (var writer = new TopicWriter<Reading>(new TopicWriterOptions { BootstrapServers = harness.Kafka.BootstrapServers, Buffer = new BufferOptions { MaxRows = 100 } }))
        {
            // A clock that moves 200 ms at every look: every row is due a report, so the bar draws its way through.
            last = await new ReplaySource<Reading>(directory, new ReplayOptions { TimeProvider = new SteppingClock() }).WriteToAsync(writer, new ReplayProgressBar(log, interactive: false));
        }

        var replayed = TopicReader.ReadRows<Reading>(harness.Kafka.BootstrapServers, "readings", 1_000);

        Assert.True(replayed.Count < 1_000, "rows are packed by the writer's buffer, many per message");
        var rows = replayed.SelectMany(r => r.Rows).ToList();
        Assert.Equal(1_000, rows.Count);
        foreach (var sensor in recorded.GroupBy(r => r.Sensor))
        {
            Assert.Equal(sensor.Select(r => (r.Time, r.Value)), rows.Where(r => r.Sensor == sensor.Key).Select(r => (r.Time, r.Value)));
        }

        Assert.Equal((1_000L, 0L, true), (last.Rows, last.Skipped, last.Completed));
        var lines = log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("100%  1,000 rows", lines[^1], StringComparison.Ordinal);
        Assert.True(lines.Length >= 10, $"a line per tenth on the way, not only the last: {string.Join(" | ", lines)}");
    }

    private sealed class SteppingClock : TimeProvider
    {
        private long now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref now, TimeSpan.FromMilliseconds(200).Ticks);
    }
}
