using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.IntegrationTests.Processing;

namespace Pipelines.IntegrationTests.Http;

/// <summary>An ASP.NET Core application on a real Kestrel on a free loopback port, writing to and reading from a harness's broker.</summary>
internal static class LoopbackApp
{
    public static async Task<(WebApplication App, HttpClient Client)> StartAsync(KafkaHarness harness, Action<IServiceCollection, IConfiguration> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", harness.Kafka.BootstrapServers)]);
        services(builder.Services, builder.Configuration);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = Timeout.InfiniteTimeSpan });
    }
}
