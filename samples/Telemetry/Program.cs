using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipelines.Hosting;
using Pipelines.Sinks;
using Telemetry;

// Race-car telemetry end to end: simulated cars → car-telemetry (rows packed ten per message, stream properties naming
// the driver, lap events) → CarAnalyzer (a second of data per call, each car's brake state kept) → car-insights →
// InsightPrinter; the same rows → SpeedStats (ten-second windows) and Stints (a session window per stint between pit
// stops) → car-summaries → SummaryPrinter; each car's setup sheet, too large for one Kafka message → car-setups →
// SetupArchiver; pit-stops joined with the telemetry around them → PitCorrelator → pit-passes → PitPrinter; and notes a
// pit-wall service posts as plain JSON → pit-notes → PitNotePrinter; and every insight → InsightArchive, a sink into a
// SQLite table (car-insights.db), exactly once. A dashboard at http://localhost:5080 (Dashboard) plots it all live.
// With no Pipelines:BootstrapServers it all runs on an embedded broker; set one to use a real cluster.
//   dotnet run --project samples/Telemetry -- [--duration 30] [--urls http://localhost:5080] [--Pipelines:BootstrapServers broker:9092]
//       [--postgres "Host=…"] [--record recordings] [--replay recordings [--pace timestamps] [--speed 4]] [--topology]
var printTopology = args.Contains("--topology");
// The content root beside the program, not the working directory: `dotnet run --project` runs it from anywhere, and
// its appsettings.json and wwwroot are there.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args.Where(arg => arg != "--topology").ToArray(),
    ContentRootPath = AppContext.BaseDirectory,
});

// --postgres "Host=…;Username=…;Database=…" moves InsightArchive's table to PostgreSQL: the same as setting
// Pipelines:Sinks:InsightArchive:Target and :ConnectionString, which move it (or its SQLite file) without a switch.
if (builder.Configuration["postgres"] is { } postgres)
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Pipelines:Sinks:InsightArchive:Target"] = "Postgres",
        ["Pipelines:Sinks:InsightArchive:ConnectionString"] = postgres,
    });
}

builder.Services.AddPipelines(builder.Configuration);
builder.Services.AddHealthChecks().AddPipelines();
// --record <directory> keeps the session's telemetry as Parquet files; --replay <directory or file> writes a recorded
// session back instead of simulating one (--pace timestamps [--speed 4] keeps its pace).
if (builder.Configuration["record"] is { } recordings)
{
    builder.Services.AddParquetSink<CarTelemetry>("TelemetryRecorder", builder.Configuration, new ParquetSinkOptions { Directory = recordings });
}

if (builder.Configuration["replay"] is not null)
{
    builder.Services.AddHostedService<SessionReplay>();
}
else
{
    builder.Services.AddHostedService<TelemetrySimulator>();
}

builder.Services.AddHostedService<ThroughputReporter>();
builder.Services.AddDashboard(builder.Configuration);
await using var host = builder.Build();
host.MapDashboard();

// --topology prints what this host would run, as a Mermaid flowchart (README.md beside this file shows it), and exits.
if (printTopology)
{
    Console.Write(host.Services.GetRequiredService<PipelinesTopology>().ToMermaid());
    return;
}

// Ctrl+C stops the host through its console lifetime; --duration stops it the same graceful way.
using var stop = new CancellationTokenSource();
if (builder.Configuration["duration"] is { } duration)
{
    stop.CancelAfter(int.TryParse(duration, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
        ? TimeSpan.FromSeconds(seconds)
        : TimeSpan.Parse(duration, CultureInfo.InvariantCulture));
}

await host.RunAsync(stop.Token);
Console.WriteLine($"Stopped: {SampleCounters.Produced:N0} rows produced, {SampleCounters.Analyzed:N0} analyzed, {SampleCounters.Insights:N0} insights ({SampleCounters.WithSettings:N0} with the car's settings), {SampleCounters.Laps:N0} laps, {SampleCounters.Summaries:N0} window summaries, {SampleCounters.Setups:N0} setup sheets joined, {SampleCounters.PitPasses:N0} pit passes, {SampleCounters.PitNotes:N0} pit-wall notes.");
Console.WriteLine(ArchiveReport.Describe(builder.Configuration));
