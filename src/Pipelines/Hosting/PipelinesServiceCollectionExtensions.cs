using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipelines.Hosting;

/// <summary>
/// Registration used by the generated <c>AddPipelines</c> method; call that one. The settings are read and
/// validated here, at registration, so a bad key stops the application before anything connects.
/// </summary>
public static class PipelinesServiceCollectionExtensions
{
    /// <summary>Registers one processor as a hosted service, plus the shared settings and Kafka connection.</summary>
    public static IServiceCollection AddPipelinesProcessor<TProcessor, TIn, TOut>(
        this IServiceCollection services,
        IConfiguration configuration,
        ProcessorDescriptor<TProcessor, TIn, TOut> descriptor)
        where TProcessor : class
        where TIn : IMessageContract<TIn>
        where TOut : IMessageContract<TOut>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(descriptor);
        var settings = PipelinesSettings.Read(configuration);

        // Validate this processor's overrides now rather than when the host starts it.
        var options = settings.OptionsFor(descriptor.Defaults(settings.BootstrapServers ?? "embedded"));
        options.Validate();
        options.ValidateBuffers(TIn.Serializer.Schema, options.OutputTopic is null ? null : TOut.Serializer.Schema, descriptor.FlushWhen is not null);

        services.TryAddSingleton(settings);
        services.TryAddSingleton<KafkaConnection>();
        services.AddSingleton<IHostedService>(provider => new ProcessorService<TProcessor, TIn, TOut>(
            descriptor,
            provider.GetRequiredService<PipelinesSettings>(),
            provider.GetRequiredService<KafkaConnection>(),
            provider,
            provider.GetRequiredService<ILoggerFactory>()));
        return services;
    }
}
