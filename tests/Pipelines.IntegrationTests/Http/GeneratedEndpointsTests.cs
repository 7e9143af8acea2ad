using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Pipelines.Http;
using Pipelines.IntegrationTests.Processing;

namespace Pipelines.IntegrationTests.Http;

/// <summary>
/// The generated <c>MapStreamWriters</c> and <c>MapStreamReaders</c> of this test assembly, compiled and run: every
/// <c>[Topic]</c> contract under <c>/topics/{topic}</c>, rows posted to one coming back through its feed,
/// and another contract's writer (through the same producer) writing its own topic.
/// </summary>
public sealed class GeneratedEndpointsTests() : LoopbackAppTests(partitions: 3)
{
    [Fact]
    public async Task Rows_posted_to_a_topics_generated_writer_come_back_through_its_generated_feed()
    {
        var client = await StartAsync(
            (services, configuration) => services.AddStreamWriters(configuration).AddStreamReaders(configuration),
            a =>
            {
                a.MapStreamWriters();
                a.MapStreamReaders();
            });
        using var feed = await SseClient.ConnectAsync(client, "/topics/readings/feed?stream=car-9");

        var posted = await client.PostAsync("/topics/readings/rows", new StringContent("""[{"Time": 1, "Sensor": "car-9", "Value": 4.5}, {"Time": 2, "Sensor": "car-9", "Value": 5.5}]""", Encoding.UTF8, "application/json"));
        var doubled = await client.PostAsync("/topics/doubled/rows", new StringContent("""{"Time": 3, "Sensor": "car-9", "Value": 9}""", Encoding.UTF8, "application/json"));
        var unknown = await client.PostAsync("/topics/no-such-topic/rows", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("""{"written":2}""", await posted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // Another contract's writer, through the same producer: its row on its own topic.
        Assert.Equal(HttpStatusCode.OK, doubled.StatusCode);
        Assert.Equal(9.0, MessageSerializer.Deserialize<Pipelines.IntegrationTests.Kafka.Doubled>(Harness.Read("doubled", 1).Single().Message.Value).Value);
        var values = new List<double>();
        while (values.Count < 2)
        {
            using var frame = JsonDocument.Parse((await feed.NextAsync()).Data);
            values.AddRange(frame.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("Value").GetDouble()));
        }

        Assert.Equal([4.5, 5.5], values);
    }
}
