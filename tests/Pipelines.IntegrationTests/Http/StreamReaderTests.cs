using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pipelines.Http;
using Pipelines.Infrastructure;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Publishing;

namespace Pipelines.IntegrationTests.Http;

/// <summary>
/// The HTTP reader on a real Kestrel: one feed serving every client, rows and events as Server-Sent Events, a stream
/// filter, a reconnect with Last-Event-ID reading on with nothing missed or repeated, a start in the past, a slow
/// client dropped instead of waited for, and every feed ended when the host stops.
/// </summary>
public sealed class StreamReaderTests() : LoopbackAppTests(partitions: 3)
{
    private HttpClient client = null!;

    [Fact]
    public async Task Every_client_gets_the_rows_and_events_written_after_it_subscribed_and_a_filtered_one_only_its_streams()
    {
        await Start();
        using var all = await SseClient.ConnectAsync(client, "/feed");
        using var car1 = await SseClient.ConnectAsync(client, "/feed?stream=car-1");

        using (var writer = Writer())
        {
            writer.Write(Row("car-1", 1));
            writer.Write(Row("car-2", 2));
            writer.Write(Row("car-1", 3));
            writer.WriteEvent("car-1", new StreamEvent { Id = "lap", Value = "4", Timestamp = 40 });
        }

        var everything = new List<(string? Id, string Event, string Data)>();
        for (var i = 0; i < 4; i++)
        {
            everything.Add(await all.NextAsync());
        }

        var mine = new[] { await car1.NextAsync(), await car1.NextAsync(), await car1.NextAsync() };

        Assert.Equal([1.0, 2.0, 3.0], everything.Where(f => f.Event == "rows").SelectMany(f => Values(f.Data)).Order());
        Assert.Equal(["rows", "rows", "event"], mine.Select(f => f.Event));
        Assert.Equal([1.0, 3.0], mine.Take(2).SelectMany(f => Values(f.Data)));
        using var lap = JsonDocument.Parse(mine[2].Data);
        Assert.Equal(("car-1", "lap", "4", 40L), (lap.RootElement.GetProperty("stream").GetString(), lap.RootElement.GetProperty("id").GetString(), lap.RootElement.GetProperty("value").GetString(), lap.RootElement.GetProperty("timestamp").GetInt64()));
        Assert.All(everything, f => Assert.Matches(@"^\d+\.\d+\.\d+$", f.Id!));
    }

    [Fact]
    public async Task A_client_that_reconnects_with_its_last_event_id_reads_on_with_nothing_missed_and_nothing_twice()
    {
        await Start();
        string lastId;
        using (var first = await SseClient.ConnectAsync(client, "/feed?stream=car-1"))
        {
            using (var writer = Writer())
            {
                foreach (var value in new[] { 1.0, 2.0, 3.0 })
                {
                    writer.Write(Row("car-1", value));
                }
            }

            await first.NextAsync();
            lastId = (await first.NextAsync()).Id!; // gone after the second row: the third was sent, never read
        }

        using (var writer = Writer())
        {
            writer.Write(Row("car-2", 99));
            writer.Write(Row("car-1", 4));
            writer.Write(Row("car-1", 5));
        }

        using var again = await SseClient.ConnectAsync(client, "/feed?stream=car-1", lastEventId: lastId);
        var resumed = new[] { await again.NextAsync(), await again.NextAsync(), await again.NextAsync() };

        Assert.Equal([3.0, 4.0, 5.0], resumed.SelectMany(f => Values(f.Data)));
    }

    [Fact]
    public async Task A_client_may_start_at_the_topics_beginning_or_a_time_and_a_position_that_is_not_one_is_a_400()
    {
        await Start();
        // Messages stamped 1 s, 2 s and 3 s after the epoch: a start by time is by the messages' (Kafka's) time.
        using (var producer = new ProducerBuilder<string, byte[]>(Harness.ProducerConfig()).Build())
        {
            foreach (var second in new[] { 1, 2, 3 })
            {
                await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = "car-2", Value = MessageSerializer.Serialize(Row("car-2", second)), Timestamp = new Timestamp(second * 1_000L, TimestampType.CreateTime) });
            }
        }

        using var earliest = await SseClient.ConnectAsync(client, "/feed?stream=car-2&from=earliest");
        var fromStart = new[] { await earliest.NextAsync(), await earliest.NextAsync(), await earliest.NextAsync() };
        using var later = await SseClient.ConnectAsync(client, "/feed?from=1970-01-01T00:00:02Z");
        var fromTwo = new[] { await later.NextAsync(), await later.NextAsync() };
        using var wrong = await SseClient.ConnectAsync(client, "/feed", lastEventId: "12.x");

        Assert.Equal([1.0, 2.0, 3.0], fromStart.SelectMany(f => Values(f.Data)));
        Assert.Equal([2.0, 3.0], fromTwo.SelectMany(f => Values(f.Data)));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("is not a position in readings", await wrong.BodyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feed_that_could_not_start_answers_503_and_the_next_client_starts_it_again()
    {
        await Start();
        Harness.Kafka.SetBrokerDown(1);
        using var refused = await client.GetAsync("/feed", HttpCompletionOption.ResponseHeadersRead);
        Harness.Kafka.SetBrokerUp(1);

        using var again = await SseClient.ConnectAsync(client, "/feed");
        using (var writer = Writer())
        {
            writer.Write(Row("car-1", 7));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("could not start", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([7.0], Values((await again.NextAsync()).Data));
    }

    [Fact]
    public async Task A_quiet_feed_sends_keep_alive_comments_and_then_frames_as_they_come()
    {
        await Start(new StreamReaderOptions { KeepAlive = TimeSpan.FromMilliseconds(100) });
        using var quiet = await SseClient.ConnectAsync(client, "/feed");

        Assert.Equal(string.Empty, await quiet.NextLineAsync()); // the end of ": subscribed"
        Assert.Equal(": keep-alive", await quiet.NextLineAsync());
        using (var writer = Writer())
        {
            writer.Write(Row("car-1", 8));
        }

        Assert.Equal([8.0], Values((await quiet.NextAsync()).Data));
    }

    [Fact]
    public async Task When_the_host_stops_every_clients_feed_ends_instead_of_holding_the_server_until_its_shutdown_timeout()
    {
        await Start();
        using var watching = await SseClient.ConnectAsync(client, "/feed");
        using (var writer = Writer())
        {
            writer.Write(Row("car-1", 1));
        }

        Assert.Equal([1.0], Values((await watching.NextAsync()).Data));

        var stopping = App!.StopAsync();

        // Ended by the server, the response completes; kept open, the client would read on until the shutdown timeout
        // (30 s) cut the connection, and then fail rather than end.
        Assert.Equal(string.Empty, await watching.BodyAsync().WaitAsync(KafkaHarness.Patience));
        await stopping;
    }

    [Fact]
    public void A_client_that_falls_behind_its_bound_is_dropped_with_the_reason_and_the_others_are_not_held_back()
    {
        var format = ContractFormat.Of<Reading>(null);
        var frames = Enumerable.Range(0, 3).Select(i => FeedFrame.Of(Message(i), format)!.Seal($"{i + 1}.0.0")).ToList();
        var slow = new FeedSubscription(_ => true, capacity: 2);
        var fast = new FeedSubscription(_ => true, capacity: 2);

        foreach (var frame in frames)
        {
            slow.Offer(frame);
            fast.Offer(frame);
            Assert.True(fast.Frames.TryRead(out _)); // this one keeps up
        }

        Assert.Contains("fell 2 messages behind the feed; reconnect with Last-Event-ID", slow.Dropped, StringComparison.Ordinal);
        Assert.Null(fast.Dropped);
        Assert.True(slow.Frames.TryRead(out var kept) && kept == frames[0]);
        Assert.True(slow.Frames.TryRead(out _));
        Assert.True(slow.Frames.Completion.IsCompleted || !slow.Frames.TryRead(out _));
    }

    private async Task Start(StreamReaderOptions? options = null) =>
        client = await StartAsync((services, configuration) => services.AddStreamReaders(configuration), a => a.MapStreamReader<Reading>("/feed", options));

    private TopicWriter<Reading> Writer() => new(new TopicWriterOptions { BootstrapServers = Harness.Kafka.BootstrapServers });

    private static Reading Row(string sensor, double value, long time = 1) => new() { Time = time, Sensor = sensor, Value = value };

    private static IEnumerable<double> Values(string data)
    {
        using var json = JsonDocument.Parse(data);
        return json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("Value").GetDouble()).ToList();
    }

    private static ConsumeResult<byte[]?, byte[]?> Message(int offset) => new()
    {
        Topic = "readings",
        Partition = 0,
        Offset = offset,
        Message = new Message<byte[]?, byte[]?> { Key = "car-1"u8.ToArray(), Value = MessageSerializer.Serialize(Row("car-1", offset)), Timestamp = new Timestamp(DateTime.UtcNow), Headers = [] },
    };
}
