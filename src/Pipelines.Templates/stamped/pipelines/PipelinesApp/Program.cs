using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PipelinesApp;

// Runs every [Processor] of this project. With no Pipelines:BootstrapServers (appsettings.json) it starts an
// embedded in-memory Kafka broker and a simulator that writes readings to it; set a cluster to go for real.
//   dotnet run [-- --duration 10] [-- --Pipelines:BootstrapServers broker:9092]
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPipelines(builder.Configuration);
builder.Services.AddHealthChecks().AddPipelines();     // pipelines-live and pipelines-ready, for your probes
if (string.IsNullOrEmpty(builder.Configuration["Pipelines:BootstrapServers"]))
{
    builder.Services.AddHostedService<ReadingSimulator>();
}

using var host = builder.Build();
using var stop = new CancellationTokenSource();
if (builder.Configuration["duration"] is { } seconds)
{
    stop.CancelAfter(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
}

await host.RunAsync(stop.Token);
