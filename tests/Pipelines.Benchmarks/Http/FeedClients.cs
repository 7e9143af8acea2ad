using System.Net;

namespace Pipelines.Benchmarks.Http;

/// <summary>
/// The clients of <see cref="FeedFanOutRun"/>: many Server-Sent Events connections to one feed, each counting its
/// frames; a tenth of them also take each row's delay from its write (the row's timestamp) to their read. Run inside
/// the server's process or in one of their own (<c>feed-clients</c>), so that their work is not the server's.
/// </summary>
internal sealed class FeedClients : IDisposable
{
    private readonly HttpClient http;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task<List<double>>> readers = [];
    private readonly long[] received;

    public FeedClients(Uri server, int clients)
    {
        http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 10 }) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        received = new long[clients];
    }

    /// <summary>Connects every client and returns once each is subscribed.</summary>
    public async Task ConnectAsync()
    {
        for (var i = 0; i < received.Length; i++)
        {
            var stream = await SubscribeAsync(http, stop.Token);
            var client = i;
            readers.Add(Task.Run(() => Read(stream, measures: client % 10 == 0, client, stop.Token)));
        }
    }

    /// <summary>Disconnects every client; the delays measured, in order, and the fewest and most frames a client read.</summary>
    public async Task<(List<double> Delays, long Fewest, long Most)> StopAsync()
    {
        await stop.CancelAsync();
        var delays = (await Task.WhenAll(readers)).SelectMany(d => d).Order().ToList();
        return (delays, received.Min(), received.Max());
    }

    public void Dispose()
    {
        stop.Dispose();
        http.Dispose();
    }

    public static async Task<StreamReader> SubscribeAsync(HttpClient http, CancellationToken cancellation)
    {
        var response = await http.GetAsync("/feed", HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The feed answered {response.StatusCode}.");
        }

        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
        await reader.ReadLineAsync(cancellation); // ": subscribed"
        return reader;
    }

    /// <summary>
    /// <c>feed-clients &lt;server&gt; &lt;clients&gt;</c>: connects, prints <c>subscribed</c>, reads until a line on
    /// standard input, then prints <c>fewest most</c> and every delay measured, one a line.
    /// </summary>
    public static async Task RunAlone(Uri server, int clients)
    {
        using var feed = new FeedClients(server, clients);
        await feed.ConnectAsync();
        Console.WriteLine("subscribed");
        await Console.In.ReadLineAsync();
        var (delays, fewest, most) = await feed.StopAsync();
        Console.WriteLine($"{fewest} {most}");
        foreach (var delay in delays)
        {
            Console.WriteLine(delay.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private async Task<List<double>> Read(StreamReader stream, bool measures, int client, CancellationToken cancellation)
    {
        var delays = new List<double>();
        try
        {
            while (await stream.ReadLineAsync(cancellation) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                received[client]++;
                var now = DateTimeOffset.UtcNow;
                for (var at = line.IndexOf("\"Timestamp\":", StringComparison.Ordinal); measures && at >= 0; at = line.IndexOf("\"Timestamp\":", at, StringComparison.Ordinal))
                {
                    at += 12;
                    var end = line.IndexOfAny([',', '}'], at);
                    var written = UnixNanoseconds.ToDateTimeOffset(long.Parse(line.AsSpan(at, end - at), System.Globalization.CultureInfo.InvariantCulture));
                    delays.Add((now - written).TotalMilliseconds);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        stream.Dispose();
        return delays;
    }
}
