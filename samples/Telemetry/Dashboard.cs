using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Http;

namespace Telemetry;

/// <summary>
/// The page the sample serves (wwwroot): each car's speed plotted live from the telemetry's feed, brake alerts and laps
/// from the insights' feed, and pit-wall notes, posted through the writer API and seen coming back through the reader,
/// as a pit-wall service's own notes are.
/// </summary>
internal static class Dashboard
{
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStreamWriters(configuration).AddStreamReaders(configuration);

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapStreamReader<CarTelemetry>("/api/telemetry/feed");
        app.MapStreamReader<CarInsight>("/api/insights/feed");
        app.MapStreamWriter<PitNote>("/api/pit-notes", new StreamWriterOptions { MaxRowsPerRequest = 10 });
        app.MapStreamReader<PitNote>("/api/pit-notes/feed");
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"Dashboard: {string.Join(", ", app.Urls)}"));
        return app;
    }
}
