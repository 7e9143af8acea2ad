using System.Net.Http.Headers;

namespace Pipelines.IntegrationTests.Http;

/// <summary>A Server-Sent Events client for the tests: frames as a browser's EventSource sees them, comments passed over.</summary>
internal sealed class SseClient : IDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private SseClient(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    public System.Net.HttpStatusCode Status => response.StatusCode;

    /// <summary>Connects and waits until the feed says the client is subscribed (everything written after that reaches it).</summary>
    public static async Task<SseClient> ConnectAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var sse = new SseClient(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        if (response.IsSuccessStatusCode)
        {
            var first = await sse.reader.ReadLineAsync().WaitAsync(KafkaHarnessPatience);
            Assert.Equal(": subscribed", first);
        }

        return sse;
    }

    /// <summary>The next frame: its id, event and data.</summary>
    public async Task<(string? Id, string Event, string Data)> NextAsync()
    {
        string? id = null;
        var kind = "message";
        var data = new List<string>();
        while (true)
        {
            var line = await reader.ReadLineAsync().WaitAsync(KafkaHarnessPatience) ?? throw new EndOfStreamException("The feed ended.");
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return (id, kind, string.Join('\n', data));
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon >= 0 ? line[..colon] : line;
            var value = colon >= 0 ? line[(colon + 1)..].TrimStart(' ') : string.Empty;
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    kind = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
            }
        }
    }

    public async Task<string> BodyAsync() => await reader.ReadToEndAsync();

    /// <summary>The next line as sent, comments included.</summary>
    public async Task<string?> NextLineAsync() => await reader.ReadLineAsync().WaitAsync(KafkaHarnessPatience);

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }

    private static TimeSpan KafkaHarnessPatience => Processing.KafkaHarness.Patience;
}
