using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pipelines.Benchmarks.Processing;
using Pipelines.Http;
using Pipelines.Kafka.Embedded;
using Pipelines.Publishing;

namespace Pipelines.Benchmarks.Http;

/// <summary>
/// The HTTP reader's fan-out: many Server-Sent Events clients of one feed on a Kestrel on loopback, while a
/// <see cref="TopicWriter{T}"/> writes rows at a steady rate, each stamped with the time it was written. Every client
/// reads every frame; a tenth of them also take each row's delay from its write to their read (the others only count,
/// so the clients, in the same process on the same two cores, do not outweigh the server). Memory per client is the
/// growth of the process's managed heap and working set when the clients connect to a quiet feed, clients' own
/// buffers included. Not a BenchmarkDotNet benchmark: a delay under a steady load is a distribution.
/// </summary>
public static class FeedFanOutRun
{
    /// <param name="packMs">0: a message per row; otherwise rows packed per stream for up to this many milliseconds (a frame holds them all).</param>
    public static void Run(int clients, int rate, TimeSpan duration, int packMs) => RunAsync(clients, rate, duration, packMs).GetAwaiter().GetResult();

    private static async Task RunAsync(int clients, int rate, TimeSpan duration, int packMs)
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 1 });
        kafka.CreateTopic("bench-input", 6);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", kafka.BootstrapServers)]);
        builder.Services.AddStreamReaders(builder.Configuration);
        await using var app = builder.Build();
        app.MapStreamReader<PassthroughRow>("/feed");
        await app.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 10 }) { BaseAddress = new Uri(app.Urls.First()), Timeout = Timeout.InfiniteTimeSpan };

        // Memory: the heap and working set before and after every client is subscribed to a quiet feed.
        await Subscribe(http, CancellationToken.None).ContinueWith(t => t.Result.Dispose()); // starts the feed itself
        var (heapBefore, setBefore) = Memory();
        using var stop = new CancellationTokenSource();
        var readers = new List<Task<List<double>>>();
        var received = new long[clients];
        for (var i = 0; i < clients; i++)
        {
            var stream = await Subscribe(http, stop.Token);
            var client = i;
            readers.Add(Task.Run(() => Read(stream, measures: client % 10 == 0, received, client, stop.Token)));
        }

        var (heapAfter, setAfter) = Memory();
        Console.WriteLine($"{clients} clients subscribed: managed heap +{(heapAfter - heapBefore) / clients / 1024.0:N1} KiB per client, working set +{(setAfter - setBefore) / clients / 1024.0:N1} KiB per client");

        // Rows at a steady rate, one message each, stamped with when they were written.
        var buffer = packMs == 0 ? null : new Pipelines.Processing.BufferOptions { MaxRows = 1_000, Timeout = TimeSpan.FromMilliseconds(packMs) };
        using (var writer = new TopicWriter<PassthroughRow>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers, LowLatency = true, Buffer = buffer }))
        {
            var clock = Stopwatch.StartNew();
            long written = 0;
            while (clock.Elapsed < duration)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                for (; written < due; written++)
                {
                    var row = PassthroughRow.Sample((int)(written % 48), (int)written);
                    row.Timestamp = UnixNanoseconds.FromDateTimeOffset(DateTimeOffset.UtcNow);
                    writer.Write(row);
                }

                await Task.Delay(1);
            }

            writer.Flush();
            Console.WriteLine($"{written:N0} rows written in {clock.Elapsed.TotalSeconds:N1} s ({written / clock.Elapsed.TotalSeconds:N0} rows/s)");
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // the last frames on their way to every client
        await stop.CancelAsync();
        var delays = (await Task.WhenAll(readers)).SelectMany(d => d).Order().ToList();
        string At(double quantile) => delays.Count == 0 ? "-" : $"{delays[Math.Min(delays.Count - 1, (int)(quantile * delays.Count))]:N1} ms";
        Console.WriteLine($"frames per client ({(packMs == 0 ? "a message per row" : $"rows packed for up to {packMs} ms")}): min {received.Min():N0}, max {received.Max():N0}");
        Console.WriteLine($"delay from write to a client's read ({delays.Count:N0} rows measured): p50 {At(0.5)}, p90 {At(0.9)}, p99 {At(0.99)}, max {At(1)}");
    }

    private static async Task<StreamReader> Subscribe(HttpClient http, CancellationToken cancellation)
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

    private static async Task<List<double>> Read(StreamReader stream, bool measures, long[] received, int client, CancellationToken cancellation)
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

    private static (long Heap, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return (GC.GetTotalMemory(forceFullCollection: true), Process.GetCurrentProcess().WorkingSet64);
    }
}
