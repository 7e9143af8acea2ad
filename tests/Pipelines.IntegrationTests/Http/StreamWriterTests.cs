using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipelines.Http;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Http;

/// <summary>
/// The HTTP writer on a real Kestrel on loopback, writing to the embedded broker: each body form written and
/// acknowledged, every bad field of every row named with nothing written, the size limits, streams a client may not
/// write, a full writer answered 503 with Retry-After, and authorization and CORS the ASP.NET Core way.
/// </summary>
public sealed class StreamWriterTests() : LoopbackAppTests(partitions: 3)
{
    [Fact]
    public async Task One_row_an_array_and_newline_delimited_rows_are_written_and_answered_once_acknowledged()
    {
        var client = await Start(a => a.MapStreamWriter<Reading>("/readings"));

        var one = await client.PostAsync("/readings/rows", Json("""{"Time": 1, "Sensor": "sensor-1", "Value": 1.5}"""));
        var array = await client.PostAsync("/readings/rows", Json("""[{"Time": 2, "Sensor": "sensor-2", "Value": 2.5}, {"Time": 3, "Sensor": "sensor-1", "Value": 3.5}]"""));
        var lines = await client.PostAsync("/readings/rows", new StringContent("{\"Time\": 4, \"Sensor\": \"sensor-3\", \"Value\": 4.5}\n\n{\"Sensor\": \"sensor-3\", \"Value\": 5.5}\n", Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal([(HttpStatusCode.OK, 1), (HttpStatusCode.OK, 2), (HttpStatusCode.OK, 2)], [await Answer(one, "written"), await Answer(array, "written"), await Answer(lines, "written")]);
        var rows = TopicReader.ReadRows<Reading>(Harness.Kafka.BootstrapServers, "readings", 5).SelectMany(r => r.Rows).ToList();
        Assert.Equal([1.5, 2.5, 3.5, 4.5, 5.5], rows.Select(r => r.Value).Order());
        var untimed = rows.Single(r => r.Value == 5.5);
        Assert.InRange(UnixNanoseconds.ToDateTimeOffset(untimed.Time), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow); // stamped when received
    }

    [Fact]
    public async Task Every_bad_field_of_every_row_is_named_in_a_validation_problem_and_nothing_is_written()
    {
        var client = await Start(a => a.MapStreamWriter<Reading>("/readings"));

        var array = await client.PostAsync("/readings/rows", Json("""[{"Time": 1, "Sensor": "a", "Value": 1}, {"Time": "soon", "Sensor": 4, "Value": 2}, {"Sensor": "c", "Value": true}, 5]"""));
        var lines = await client.PostAsync("/readings/rows", new StringContent("{\"Sensor\": \"a\", \"Value\": 1}\n{\"Sensor\": \"a\", \"Value\": null, \"Time\": []}\n{\"Value\": \"x\", ", Encoding.UTF8, "application/x-ndjson"));
        var broken = await client.PostAsync("/readings/rows", Json("""[{"Sensor": "a" """));
        var text = await client.PostAsync("/readings/rows", new StringContent("Sensor=a", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, array.StatusCode);
        Assert.Equal(["[1].Time", "[1].Sensor", "[2].Value", "[3]"], await ErrorKeys(array));
        Assert.Equal(["line 2.Value", "line 2.Time", "line 3.Value"], await ErrorKeys(lines));
        Assert.Equal(["body"], await ErrorKeys(broken));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(0, Harness.EndOf("readings"));
    }

    [Fact]
    public async Task Events_properties_and_the_end_of_a_stream_are_written_into_it_in_order()
    {
        var client = await Start(a => a.MapStreamWriter<Reading>("/readings"));

        var events = await client.PostAsync("/readings/streams/car-7/events", Json("""[{"id": "lap", "value": "12", "timestamp": "2026-12-07T05:00:00Z", "tags": {"sector": "3"}}, {"id": "pit", "timestamp": 1000}]"""));
        var properties = await client.PutAsync("/readings/streams/car-7/properties", Json("""{"name": "Car 7, qualifying", "metadata": {"driver": "Ada"}, "parents": ["session-1"]}"""));
        var end = await client.DeleteAsync("/readings/streams/car-7");

        Assert.Equal([(HttpStatusCode.OK, 2), (HttpStatusCode.OK, 1), (HttpStatusCode.OK, 1)], [await Answer(events, "written"), await Answer(properties, "written"), await Answer(end, "written")]);
        var messages = Harness.Read("readings", 4).OrderBy(m => m.Offset.Value).ToList();
        Assert.All(messages, m => Assert.Equal("car-7", m.Message.Key));
        Assert.Equal(
            [MessageTypes.Event, MessageTypes.Event, MessageTypes.StreamProperties, MessageTypes.StreamEnd],
            messages.Select(m => Encoding.UTF8.GetString(m.Message.Headers.GetLastBytes(MessageTypes.Header))));
        var lap = StreamCodec.ReadEvent(messages[0].Message.Value);
        Assert.Equal(("lap", "12", new DateTime(2026, 12, 7, 5, 0, 0, DateTimeKind.Utc), "3"), (lap.Id, lap.Value, lap.Time, lap.Tags["sector"]));
        Assert.Equal(("pit", (string?)null, 1000L), (StreamCodec.ReadEvent(messages[1].Message.Value) is var pit ? (pit.Id, pit.Value, pit.Timestamp) : default));
        var set = StreamCodec.ReadProperties(messages[2].Message.Value);
        Assert.Equal(("Car 7, qualifying", "Ada", "session-1"), (set.Name, set.Metadata["driver"], set.Parents.Single()));
        Assert.Equal(StreamEnd.Closed, StreamCodec.ReadEnd(messages[3].Message.Value));
    }

    [Fact]
    public async Task Bad_events_and_properties_are_named_field_by_field_and_a_stream_the_client_may_not_write_is_refused()
    {
        var client = await Start(a => a.MapStreamWriter<Reading>("/readings", new StreamWriterOptions { AllowStream = (_, stream) => stream != "car-9" }));

        var events = await client.PostAsync("/readings/streams/car-1/events", Json("""[{"value": 1}, {"id": "x", "timestamp": "soon", "tags": {"a": 1}}]"""));
        var properties = await client.PutAsync("/readings/streams/car-1/properties", Json("""{"name": 5, "parents": "session"}"""));
        var refused = await client.PostAsync("/readings/streams/car-9/events", Json("""{"id": "lap"}"""));

        Assert.Equal(["[0].id", "[1].timestamp", "[1].tags"], await ErrorKeys(events));
        Assert.Equal(["name", "parents"], await ErrorKeys(properties));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, Harness.EndOf("readings"));
    }

    [Fact]
    public async Task Bodies_over_the_limits_are_refused_with_413()
    {
        var client = await Start(a => a.MapStreamWriter<Reading>("/readings", new StreamWriterOptions { MaxRowsPerRequest = 2, MaxRequestBytes = 200 }));

        var rows = await client.PostAsync("/readings/rows", Json("""[{"Value": 1}, {"Value": 2}, {"Value": 3}]"""));
        var bytes = await client.PostAsync("/readings/rows", Json($$"""{"Sensor": "{{new string('x', 300)}}"}"""));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.RequestEntityTooLarge), (rows.StatusCode, bytes.StatusCode));
        Assert.Contains("at most 2 rows", await rows.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Harness.EndOf("readings"));
    }

    [Fact]
    public async Task A_stream_the_client_may_not_write_is_refused_with_403_and_none_of_the_request_is_written()
    {
        var client = await Start(a => a.MapStreamWriter<Reading>("/readings", new StreamWriterOptions
        {
            AllowStream = (context, stream) => stream == context.Request.Headers["X-Car"].ToString(),
        }));
        client.DefaultRequestHeaders.Add("X-Car", "car-1");

        var own = await client.PostAsync("/readings/rows", Json("""{"Sensor": "car-1", "Value": 1}"""));
        var other = await client.PostAsync("/readings/rows", Json("""[{"Sensor": "car-1", "Value": 2}, {"Sensor": "car-2", "Value": 3}]"""));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (own.StatusCode, other.StatusCode));
        Assert.Contains("may not write the stream 'car-2'", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, Harness.EndOf("readings"));
    }

    [Fact]
    public async Task Rows_beyond_what_may_wait_for_the_broker_are_answered_503_with_retry_after_never_queued()
    {
        // A buffer that holds its rows for ten minutes: the five accepted rows stay unacknowledged for the whole test.
        // The same contract mapped again with options of its own: its own writer and bound, not held back by the first.
        var client = await Start(a =>
        {
            a.MapStreamWriter<Reading>("/readings", new StreamWriterOptions
            {
                WaitForAcknowledgement = false,
                MaxPendingRows = 5,
                MaxRowsPerRequest = 5,
                Buffer = new BufferOptions { MaxRows = 1_000, Timeout = TimeSpan.FromMinutes(10) },
            });
            a.MapStreamWriter<Reading>("/v2/readings");
        });

        var accepted = await client.PostAsync("/readings/rows", Json("""[{"Value": 1}, {"Value": 2}, {"Value": 3}, {"Value": 4}, {"Value": 5}]"""));
        var refused = await client.PostAsync("/readings/rows", Json("""{"Value": 6}"""));
        var other = await client.PostAsync("/v2/readings/rows", Json("""{"Value": 7}"""));

        Assert.Equal((HttpStatusCode.Accepted, 5), await Answer(accepted, "accepted"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("5 rows are waiting for the broker", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, 1), await Answer(other, "written"));
    }

    [Fact]
    public async Task A_writer_whose_cluster_cannot_be_reached_answers_503_with_retry_after_at_every_request()
    {
        // Nothing listens on port 1: making the writer (its topic) fails, and is not kept as the answer for later requests.
        var client = await StartAsync(
            (services, configuration) =>
            {
                ((IConfigurationBuilder)configuration).AddInMemoryCollection([new("Pipelines:BootstrapServers", "127.0.0.1:1")]);
                services.AddStreamWriters(configuration).AddProblemDetails();
            },
            a => a.MapStreamWriter<Reading>("/readings"));

        var first = await client.PostAsync("/readings/rows", Json("""{"Value": 1}"""));
        var second = await client.PostAsync("/readings/rows", Json("""{"Value": 2}"""));

        foreach (var refused in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("readings could not be reached", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Endpoints_take_authorization_policies_as_any_endpoint_does()
    {
        var client = await Start(
            a => a.MapStreamWriter<Reading>("/readings").RequireAuthorization(),
            services => services.AddAuthorization().AddAuthentication(HeaderAuthentication.Name).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.Name, null));

        var anonymous = await client.PostAsync("/readings/rows", Json("""{"Value": 1}"""));
        using var signed = new HttpRequestMessage(HttpMethod.Post, "/readings/rows") { Content = Json("""{"Value": 1}""") };
        signed.Headers.Authorization = new AuthenticationHeaderValue(HeaderAuthentication.Name, "pit-wall");
        var allowed = await client.SendAsync(signed);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (anonymous.StatusCode, allowed.StatusCode));
    }

    [Fact]
    public async Task A_browser_on_another_origin_writes_where_a_CORS_policy_lets_it_and_nowhere_else()
    {
        var client = await Start(
            a =>
            {
                a.UseCors();
                a.MapStreamWriter<Reading>("/readings").RequireCors("pit-wall");
            },
            services => services.AddCors(o => o.AddPolicy("pit-wall", p => p.WithOrigins("https://pit-wall.example").WithMethods("POST").WithHeaders("content-type"))));

        async Task<HttpResponseMessage> Preflight(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/readings/rows");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
            return await client.SendAsync(request);
        }

        var allowed = await Preflight("https://pit-wall.example");
        var foreign = await Preflight("https://elsewhere.example");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/readings/rows") { Content = Json("""{"Value": 1}""") };
        post.Headers.Add("Origin", "https://pit-wall.example");
        var written = await client.SendAsync(post);

        Assert.Equal(["https://pit-wall.example"], allowed.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal(["https://pit-wall.example"], written.Headers.GetValues("Access-Control-Allow-Origin"));
    }

    private Task<HttpClient> Start(Action<WebApplication> map, Action<IServiceCollection>? services = null) =>
        StartAsync(
            (s, configuration) =>
            {
                s.AddStreamWriters(configuration).AddProblemDetails();
                services?.Invoke(s);
            },
            map);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode, int)> Answer(HttpResponseMessage response, string count)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.GetProperty(count).GetInt32());
    }

    private static async Task<List<string>> ErrorKeys(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
    }

    /// <summary>Signs in whoever sends <c>Authorization: Test &lt;name&gt;</c>.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) && header.Scheme == Name && header.Parameter is { } name
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], Name)), Name))
                : AuthenticateResult.NoResult());
    }
}
