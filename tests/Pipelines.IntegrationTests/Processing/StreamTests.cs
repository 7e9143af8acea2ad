using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;
using Pipelines.Publishing;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>Events, stream properties and stream ends: written by a TopicWriter, handled by processors, passed downstream.</summary>
public class StreamTests
{
    private static readonly TestProcessor<Reading, Doubled> Double =
        new() { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }) };

    private static TopicWriter<Reading> Writer(KafkaHarness harness, BufferOptions? buffer = null) =>
        new(new TopicWriterOptions { BootstrapServers = harness.Kafka.BootstrapServers, Buffer = buffer });

    private static string TypeOf(ConsumeResult<string, byte[]> message) =>
        message.Message.Headers.TryGetLastBytes(MessageTypes.Header, out var type) ? Encoding.UTF8.GetString(type) : MessageTypes.Row;

    [Fact]
    public async Task Events_reach_the_event_handler_in_order_with_the_rows_and_other_processors_skip_them()
    {
        using var harness = new KafkaHarness(partitions: 1);
        using (var writer = Writer(harness))
        {
            writer.Write(new Reading { Time = 1, Sensor = "car-7", Value = 10 });
            writer.WriteEvent("car-7", new StreamEvent { Timestamp = 2, Id = "lap-completed", Value = "12", Tags = new Dictionary<string, string> { ["lap"] = "12" } });
            writer.Write(new Reading { Time = 3, Sensor = "car-7", Value = 30 });
        }

        var seen = new ConcurrentQueue<string>();
        var withEventHandler = new TestProcessor<Reading, Doubled>
        {
            Row = (row, context, token) =>
            {
                seen.Enqueue($"row {row.Time}");
                return Double.Row!(row, context, token);
            },
            Event = (e, outputs, context, _) =>
            {
                seen.Enqueue($"event {e.Id} {e.Value} lap={e.Tags["lap"]} at {e.Timestamp} in {context.Stream.Key}");
                return outputs.Add(new Doubled { Time = e.Timestamp, Sensor = context.Stream.Key, Value = -1 });
            },
        };
        using var stop = new CancellationTokenSource();
        var withEvents = new ProcessorRunner<Reading, Doubled>(harness.Options(), withEventHandler).RunAsync(stop.Token);
        var rowsOnly = new ProcessorRunner<Reading, Doubled>(harness.Options() with { Name = "rows-only", GroupId = "rows-only", OutputTopic = null }, Double).RunAsync(stop.Token);
        var outputs = harness.ReadDoubledRows(3);
        var deadline = DateTime.UtcNow + KafkaHarness.Patience;
        while (harness.CommittedTotal("rows-only", partitions: 1) < 3 && DateTime.UtcNow < deadline)
        {
        }

        await stop.CancelAsync();
        await Task.WhenAll(withEvents, rowsOnly).WithinPatience();

        Assert.Equal(["row 1", "event lap-completed 12 lap=12 at 2 in car-7", "row 3"], seen);
        Assert.Equal([1L, 2, 3], outputs.SelectMany(o => o.Rows).Select(r => r.Time));
        Assert.Equal(3, harness.CommittedTotal("doubler", partitions: 1));
        Assert.Equal(3, harness.CommittedTotal("rows-only", partitions: 1));
    }

    [Fact]
    public async Task Properties_reach_handlers_and_with_the_end_of_the_stream_pass_downstream()
    {
        using var harness = new KafkaHarness(partitions: 1);
        using (var writer = Writer(harness))
        {
            writer.SetProperties("car-7", new StreamProperties { Name = "Car 7, qualifying", Metadata = new Dictionary<string, string> { ["driver"] = "Ada" }, Parents = ["session-3"] });
            writer.Write(new Reading { Time = 1, Sensor = "car-7", Value = 10 });
            writer.Write(new Reading { Time = 2, Sensor = "car-7", Value = 20 });
            writer.EndStream("car-7");
        }

        var changes = new ConcurrentQueue<string>();
        var names = new ConcurrentQueue<string?>();
        var processor = new TestProcessor<Reading, Doubled>
        {
            Row = (row, context, token) =>
            {
                names.Enqueue(context.Stream.Properties.Name + " driven by " + context.Stream.Properties.Metadata["driver"]);
                return Double.Row!(row, context, token);
            },
            Opened = (stream, _, _) => { changes.Enqueue("opened " + stream.Key); return default; },
            Closed = (stream, end, outputs, _) =>
            {
                changes.Enqueue($"closed {stream.Key} {end}");
                return outputs.Add(new Doubled { Time = 99, Sensor = stream.Key, Value = 0 });
            },
        };
        using var stop = new CancellationTokenSource();

        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), processor).RunAsync(stop.Token);
        var downstream = harness.Read("doubled", 5);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(["opened car-7", "closed car-7 Closed"], changes);
        Assert.Equal(["Car 7, qualifying driven by Ada", "Car 7, qualifying driven by Ada"], names);
        Assert.Equal([MessageTypes.StreamProperties, MessageTypes.Row, MessageTypes.Row, MessageTypes.Row, MessageTypes.StreamEnd], downstream.Select(TypeOf));
        Assert.All(downstream, m => Assert.Equal("car-7", m.Message.Key));
        Assert.Equal(99, MessageSerializer.Deserialize<Doubled>(downstream[3].Message.Value).Time);
        Assert.Equal(4, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task A_quiet_stream_closes_as_idle_and_streams_still_open_at_shutdown_close_as_revoked_without_an_end_downstream()
    {
        using var harness = new KafkaHarness(partitions: 1);
        using (var writer = Writer(harness))
        {
            writer.Write(new Reading { Time = 1, Sensor = "quiet", Value = 1 });
        }

        var idle = new TaskCompletionSource<StreamEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ends = new ConcurrentQueue<string>();
        var processor = Double with
        {
            Closed = (stream, end, _, _) =>
            {
                ends.Enqueue($"{stream.Key} {end}");
                if (stream.Key == "quiet")
                {
                    idle.TrySetResult(end);
                }

                return default;
            },
        };
        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { StreamIdleTimeout = TimeSpan.FromSeconds(1) };

        var run = new ProcessorRunner<Reading, Doubled>(options, processor).RunAsync(stop.Token);
        Assert.Equal(StreamEnd.Idle, await idle.Task.WaitAsync(KafkaHarness.Patience));
        using (var writer = Writer(harness))
        {
            writer.Write(new Reading { Time = 2, Sensor = "busy", Value = 2 });
        }

        var downstream = harness.Read("doubled", 3);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(["quiet Idle", "busy Revoked"], ends);
        Assert.Equal([MessageTypes.Row, MessageTypes.StreamEnd, MessageTypes.Row], downstream.Select(TypeOf));
        Assert.Equal("quiet", downstream[1].Message.Key);
        Assert.Equal(2, harness.CommittedTotal("doubler", partitions: 1));
    }

    [Fact]
    public async Task A_buffered_writer_packs_rows_and_writes_a_streams_event_after_its_rows()
    {
        using var harness = new KafkaHarness(partitions: 1);
        using (var writer = Writer(harness, new BufferOptions { MaxRows = 100, Timeout = TimeSpan.FromMinutes(10) }))
        {
            for (var i = 0; i < 5; i++)
            {
                writer.Write(new Reading { Time = i, Sensor = "car-7", Value = i });
            }

            writer.WriteEvent("car-7", new StreamEvent { Timestamp = 5, Id = "pit-stop" });
            writer.Write(new Reading { Time = 6, Sensor = "car-7", Value = 6 });
        }

        var messages = TopicReader.Read<string>(harness.Kafka.BootstrapServers, "readings", 3);

        Assert.Equal([MessageTypes.Rows, MessageTypes.Event, MessageTypes.Row], messages.Select(TypeOf));
        var rows = new List<Reading>();
        MessageSerializer.DeserializePacked(messages[0].Message.Value, rows);
        Assert.Equal([0L, 1, 2, 3, 4], rows.Select(r => r.Time));
        Assert.Equal(6, MessageSerializer.Deserialize<Reading>(messages[2].Message.Value).Time);
    }
}
