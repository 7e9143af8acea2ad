using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.IntegrationTests.Processing;

namespace Pipelines.IntegrationTests.Http;

/// <summary>
/// Tests of an ASP.NET Core application on a real Kestrel on a free loopback port, writing to and reading from a broker
/// of their own; both stopped after each test.
/// </summary>
public abstract class LoopbackAppTests(int partitions) : IAsyncDisposable
{
    private readonly List<HttpClient> clients = [];

    private protected KafkaHarness Harness { get; } = new(partitions);

    /// <summary>The application, once started.</summary>
    protected WebApplication? App { get; private set; }

    public async ValueTask DisposeAsync()
    {
        clients.ForEach(c => c.Dispose());
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        Harness.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the application with <paramref name="services"/> and <paramref name="map"/>; a client of it, disposed with the test.</summary>
    protected async Task<HttpClient> StartAsync(Action<IServiceCollection, IConfiguration> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", Harness.Kafka.BootstrapServers)]);
        services(builder.Services, builder.Configuration);
        App = builder.Build();
        map(App);
        await App.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(App.Urls.First()), Timeout = Timeout.InfiniteTimeSpan };
        clients.Add(client);
        return client;
    }
}
