using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;

namespace Pipelines.Http;

/// <summary>Registers what the HTTP endpoints write and read with.</summary>
public static class StreamServiceCollectionExtensions
{
    /// <summary>
    /// Adds the services <see cref="StreamWriterEndpoints.MapStreamWriter{T}"/> writes through: the host's Kafka
    /// connection (<c>Pipelines:BootstrapServers</c>, the embedded broker when not set, and the <c>Pipelines:Kafka</c> settings,
    /// credentials among them, as for processors) and one topic
    /// writer per contract, flushed when the host stops. Nothing is mapped: endpoints exist only where the application maps them.
    /// </summary>
    public static IServiceCollection AddStreamWriters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafkaConnection(configuration).TryAddSingleton<StreamWriters>();
        return services;
    }

    /// <summary>
    /// Adds the services <see cref="StreamReaderEndpoints.MapStreamReader{T}"/> serves from: the host's Kafka connection
    /// and one feed per contract's topic (a consumer started by its first client; when the host begins to stop, every
    /// feed ends and its clients' responses complete). Nothing is mapped.
    /// </summary>
    public static IServiceCollection AddStreamReaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafkaConnection(configuration).TryAddSingleton(provider => new StreamFeeds(
            provider.GetRequiredService<KafkaConnection>(), provider.GetRequiredService<ILoggerFactory>(), provider.GetService<IHostApplicationLifetime>()));
        return services;
    }

    /// <summary>The host's one Kafka connection, configured as processors' is (a processor registered first has made it already).</summary>
    private static IServiceCollection AddKafkaConnection(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(PipelinesSettings.Read(configuration));
        services.TryAddSingleton(provider => new KafkaConnection(provider.GetRequiredService<PipelinesSettings>(), provider.GetRequiredService<ILogger<KafkaConnection>>()));
        return services;
    }
}
