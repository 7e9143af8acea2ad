using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Configuration from the command line: --Pipelines:BootstrapServers=host:port and any other Pipelines key.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPipelines(builder.Configuration);
await builder.Build().RunAsync();
