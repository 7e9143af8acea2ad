using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.Benchmarks.Processing;
using Pipelines.Http;
using Pipelines.Kafka.Embedded;
using Pipelines.Publishing;

namespace Pipelines.Benchmarks.Http;

/// <summary>
/// The HTTP writer on loopback against a <see cref="TopicWriter{T}"/> writing the same rows in process: 48,000 telemetry
/// rows (48 cars) per iteration, posted as 48 newline-delimited JSON bodies of 1,000 rows over one keep-alive connection,
/// one request after another; both sides pack rows by the same buffer (100 rows or 50 ms) and an iteration ends when the
/// broker has acknowledged every row. "acknowledged" answers each request after its rows are acknowledged; "accepted"
/// answers at once (202), the iteration still waiting for the acknowledgements. Each operation is one row.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 12, invocationCount: 1)]
public class HttpWriterBenchmarks
{
    private const int Cars = 48;
    private const int RowsPerRequest = 1_000;
    private const int Rows = Cars * RowsPerRequest;
    private EmbeddedKafka kafka = null!;
    private WebApplication app = null!;
    private HttpClient client = null!;
    private PassthroughRow[] rows = null!;
    private byte[][] bodies = null!;
    private TopicWriter<PassthroughRow> direct = null!;

    [GlobalSetup]
    public void Setup()
    {
        kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 1 });
        kafka.CreateTopic("bench-input", 12);
        rows = Enumerable.Range(0, Cars).SelectMany(car => Enumerable.Range(0, RowsPerRequest).Select(i => PassthroughRow.Sample(car, i))).ToArray();
        bodies = rows.Chunk(RowsPerRequest).Select(Ndjson).ToArray();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", kafka.BootstrapServers)]);
        builder.Services.AddStreamWriters(builder.Configuration);
        app = builder.Build();
        app.MapStreamWriter<PassthroughRow>("/acknowledged");
        app.MapStreamWriter<PassthroughRow>("/accepted", new StreamWriterOptions { WaitForAcknowledgement = false });
        app.MapPost("/discarded/rows", async (Microsoft.AspNetCore.Http.HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            return Microsoft.AspNetCore.Http.Results.Accepted();
        });
        app.StartAsync().GetAwaiter().GetResult();
        client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        direct = new TopicWriter<PassthroughRow>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers, Buffer = new StreamWriterOptions().Buffer });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        direct.Dispose();
        client.Dispose();
        app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        kafka.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "TopicWriter, in process")]
    public void TopicWriter()
    {
        foreach (var row in rows)
        {
            direct.Write(row);
        }

        direct.Flush();
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "HTTP NDJSON, acknowledged")]
    public void Acknowledged() => Post("/acknowledged/rows").GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Rows, Description = "HTTP NDJSON, accepted (202)")]
    public void Accepted()
    {
        Post("/accepted/rows").GetAwaiter().GetResult();
        var writer = app.Services.GetRequiredService<StreamWriters>().For<PassthroughRow>(new StreamWriterOptions { WaitForAcknowledgement = false });
        SpinWait.SpinUntil(() => writer.Pending == 0); // the 202s answered; the iteration ends when the broker has acknowledged every row
    }

    /// <summary>Where the time goes: HTTP alone, the same bodies posted to an endpoint that reads and discards them.</summary>
    [Benchmark(OperationsPerInvoke = Rows, Description = "HTTP alone, the bodies discarded")]
    public void Discarded() => Post("/discarded/rows").GetAwaiter().GetResult();

    /// <summary>Where the time goes: the server's reading of the same bodies as rows, alone (no HTTP, no Kafka).</summary>
    [Benchmark(OperationsPerInvoke = Rows, Description = "reading the NDJSON bodies as rows, alone")]
    public int ReadRows()
    {
        var read = 0;
        foreach (var body in bodies)
        {
            read += RequestRows<PassthroughRow>.Read(body, delimited: true, RowsPerRequest, 0).Rows.Count;
        }

        return read;
    }

    private async Task Post(string path)
    {
        foreach (var body in bodies)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            using var response = await client.PostAsync(path, content);
            response.EnsureSuccessStatusCode();
        }
    }

    private static byte[] Ndjson(PassthroughRow[] batch)
    {
        var text = new StringBuilder();
        foreach (var row in batch)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"Timestamp\":{row.Timestamp},\"CarId\":\"{row.CarId}\",\"Speed\":{row.Speed},\"Throttle\":{row.Throttle},\"Brake\":{row.Brake},\"Steering\":{row.Steering},\"OilTemp\":{row.OilTemp},\"Rpm\":{row.Rpm}}}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
