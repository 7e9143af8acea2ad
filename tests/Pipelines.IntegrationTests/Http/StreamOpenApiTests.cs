using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.Http;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;

namespace Pipelines.IntegrationTests.Http;

/// <summary>The OpenAPI document of an application that maps a writer and a reader: every endpoint, with the contract's schema.</summary>
public sealed class StreamOpenApiTests() : LoopbackAppTests(partitions: 1)
{
    [Fact]
    public async Task The_document_describes_each_endpoint_with_the_contracts_own_schema()
    {
        var client = await StartAsync(
            (services, configuration) =>
            {
                services.AddStreamWriters(configuration).AddStreamReaders(configuration);
                services.AddOpenApi(options => options.AddStreamSchemas());
            },
            a =>
            {
                a.MapStreamWriter<Reading>("/readings");
                a.MapStreamReader<Reading>("/readings/feed");
                a.MapStreamWriter<Reading>("/v2/readings"); // a contract mapped twice: its operations still have names of their own
                a.MapOpenApi();
            });

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var second = await client.PostAsync("/v2/readings/rows", new StringContent("""{"Sensor": "a", "Value": 1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, second.StatusCode);
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal(
            new[] { "/readings/rows", "/readings/streams/{streamKey}", "/readings/streams/{streamKey}/events", "/readings/streams/{streamKey}/properties", "/readings/feed" }.Order(),
            paths.EnumerateObject().Select(p => p.Name).Where(p => !p.StartsWith("/v2", StringComparison.Ordinal)).Order());
        var rows = paths.GetProperty("/readings/rows").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        var one = rows.GetProperty("application/json").GetProperty("schema").GetProperty("anyOf")[0];
        Assert.Equal(["Time", "Sensor", "Value"], one.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal("array", rows.GetProperty("application/json").GetProperty("schema").GetProperty("anyOf")[1].GetProperty("type").GetString());
        Assert.True(rows.TryGetProperty("application/x-ndjson", out _));
        var events = paths.GetProperty("/readings/streams/{streamKey}/events").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["id"], events.GetProperty("anyOf")[0].GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.True(paths.GetProperty("/readings/feed").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.Equal(
            new[] { "WriteReadingRows", "WriteReadingEvents", "SetReadingStreamProperties", "EndReadingStream", "ReadReadingFeed", "WriteReadingRows2", "WriteReadingEvents2", "SetReadingStreamProperties2", "EndReadingStream2" }.Order(),
            paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value.GetProperty("operationId").GetString()).Order());
    }
}
