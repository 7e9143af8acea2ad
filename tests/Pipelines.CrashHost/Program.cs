using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipelines.CrashHost;
using Pipelines.Infrastructure;

// Configuration from the command line: --Pipelines:BootstrapServers=host:port and any other Pipelines key, and
// --Crash:Processor=SensorWindows to run that processor alone, or SqliteArchive (with --Crash:Database=path) or
// PostgresArchive (with --Crash:Database=a connection string) or ParquetArchive (with --Crash:Database=a directory)
// to run a sink of the readings into a table or files
// (BufferedDoubler alone otherwise).
var builder = Host.CreateApplicationBuilder(args);
if (builder.Configuration["Crash:Processor"] == "SqliteArchive")
{
    Pipelines.Hosting.SinkServiceCollectionExtensions.AddSqliteSink<Reading>(builder.Services, "SqliteArchive", builder.Configuration, new Pipelines.Sinks.TableSinkOptions
    {
        ConnectionString = $"Data Source={builder.Configuration["Crash:Database"]}",
        Table = "readings",
    });
}
else if (builder.Configuration["Crash:Processor"] == "PostgresArchive")
{
    Pipelines.Hosting.SinkServiceCollectionExtensions.AddSink<Reading>(builder.Services, "PostgresArchive", builder.Configuration, _ => new Pipelines.Sinks.PostgresSink<Reading>(new Pipelines.Sinks.TableSinkOptions
    {
        ConnectionString = builder.Configuration["Crash:Database"]!,
        Table = "readings",
    }));
}
else if (builder.Configuration["Crash:Processor"] == "ParquetArchive")
{
    Pipelines.Hosting.SinkServiceCollectionExtensions.AddParquetSink<Reading>(builder.Services, "ParquetArchive", builder.Configuration, new Pipelines.Sinks.ParquetSinkOptions
    {
        Directory = builder.Configuration["Crash:Database"]!,
    });
}
else if (builder.Configuration["Crash:Processor"] == nameof(SensorWindows))
{
    ProcessorServiceCollectionExtensions.AddProcessor<SensorWindows>(builder.Services, builder.Configuration);
}
else
{
    ProcessorServiceCollectionExtensions.AddProcessor<BufferedDoubler>(builder.Services, builder.Configuration);
}

await builder.Build().RunAsync();
