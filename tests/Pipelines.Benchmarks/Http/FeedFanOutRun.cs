using System.Diagnostics;
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
/// <see cref="TopicWriter{T}"/> writes rows at a steady rate, each stamped with the time it was written
/// (<see cref="FeedClients"/> reads them). With <c>separate</c>, the clients run in a process of their own, as browsers
/// would, rather than in the server's: on two cores they still share the CPU, but not the server's thread pool and
/// heap. Memory per client is the growth of the server process's managed heap and working set when the clients
/// connect to a quiet feed (with the clients inside, their buffers too). Not a BenchmarkDotNet benchmark: a delay
/// under a steady load is a distribution.
/// </summary>
public static class FeedFanOutRun
{
    /// <param name="packMs">0: a message per row; otherwise rows packed per stream for up to this many milliseconds (a frame holds them all).</param>
    /// <param name="separate">Whether the clients run in a process of their own.</param>
    public static void Run(int clients, int rate, TimeSpan duration, int packMs, bool separate) => RunAsync(clients, rate, duration, packMs, separate).GetAwaiter().GetResult();

    private static async Task RunAsync(int clients, int rate, TimeSpan duration, int packMs, bool separate)
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
        var server = new Uri(app.Urls.First());
        using (var http = new HttpClient { BaseAddress = server })
        {
            (await FeedClients.SubscribeAsync(http, CancellationToken.None)).Dispose(); // starts the feed itself
        }

        // Memory: the heap and working set before and after every client is subscribed to a quiet feed.
        var (heapBefore, setBefore) = Memory();
        using var inside = separate ? null : new FeedClients(server, clients);
        using var outside = separate ? StartClients(server, clients) : null;
        if (inside is not null)
        {
            await inside.ConnectAsync();
        }
        else if (await outside!.StandardOutput.ReadLineAsync() != "subscribed")
        {
            throw new InvalidOperationException("The clients' process did not subscribe: " + await outside.StandardError.ReadToEndAsync());
        }

        var (heapAfter, setAfter) = Memory();
        Console.WriteLine($"{clients} clients subscribed{(separate ? " from a process of their own" : " in the server's process")}: server's managed heap +{(heapAfter - heapBefore) / clients / 1024.0:N1} KiB per client, working set +{(setAfter - setBefore) / clients / 1024.0:N1} KiB per client");

        // Rows at a steady rate, stamped with when they were written.
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
        List<double> delays;
        long fewest, most;
        if (inside is not null)
        {
            (delays, fewest, most) = await inside.StopAsync();
        }
        else
        {
            await outside!.StandardInput.WriteLineAsync("stop");
            var counts = (await outside.StandardOutput.ReadLineAsync())!.Split(' ');
            (fewest, most) = (long.Parse(counts[0]), long.Parse(counts[1]));
            delays = [];
            while (await outside.StandardOutput.ReadLineAsync() is { } line)
            {
                delays.Add(double.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
            }

            await outside.WaitForExitAsync();
        }

        string At(double quantile) => delays.Count == 0 ? "-" : $"{delays[Math.Min(delays.Count - 1, (int)(quantile * delays.Count))]:N1} ms";
        Console.WriteLine($"frames per client ({(packMs == 0 ? "a message per row" : $"rows packed for up to {packMs} ms")}): min {fewest:N0}, max {most:N0}");
        Console.WriteLine($"delay from write to a client's read ({delays.Count:N0} rows measured): p50 {At(0.5)}, p90 {At(0.9)}, p99 {At(0.99)}, max {At(1)}");
    }

    /// <summary>This program again, as <c>feed-clients</c>.</summary>
    private static Process StartClients(Uri server, int clients)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FeedFanOutRun).Assembly.Location);
        }

        foreach (var argument in new[] { "feed-clients", server.ToString(), clients.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static (long Heap, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return (GC.GetTotalMemory(forceFullCollection: true), Process.GetCurrentProcess().WorkingSet64);
    }
}
