using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;
using Pipelines;
using Pipelines.Infrastructure;
using Pipelines.Processing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers processors as hosted services. The generated <c>AddPipelines</c> registers every <c>[Processor]</c> of
/// an assembly through here (it is internal to that assembly); call <see cref="AddProcessor{TProcessor}"/>
/// for one processor: from another project (a test project, say), or one written by hand against
/// <see cref="IProcessor{TSelf, TIn, TOut}"/>. The settings are read and validated at registration, so a bad key
/// stops the application before anything connects.
/// </summary>
public static class ProcessorServiceCollectionExtensions
{
    /// <summary>
    /// Registers one processor as a hosted service, plus the shared settings and Kafka connection: any
    /// <c>[Processor]</c> (one input, several, a join) or one written by hand against <see cref="IProcessor{TSelf, TIn, TOut}"/>.
    /// </summary>
    public static IServiceCollection AddProcessor<TProcessor>(this IServiceCollection services, IConfiguration configuration)
        where TProcessor : class, IProcessor<TProcessor>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        TProcessor.Register(services, configuration);
        return services;
    }

    /// <summary>
    /// Registers one processor as a hosted service, naming its input and output contracts (a processor with several
    /// inputs reads <c>Merged</c> rows): what <see cref="AddProcessor{TProcessor}"/> calls, which needs no more than the processor.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static IServiceCollection AddProcessor<TProcessor, TIn, TOut>(this IServiceCollection services, IConfiguration configuration)
        where TProcessor : class, IProcessor<TProcessor, TIn, TOut>
        where TIn : IMessageContract<TIn>
        where TOut : IMessageContract<TOut>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = PipelinesSettings.Read(configuration);
        var descriptor = TProcessor.PipelinesDescriptor;

        // Validate this processor's overrides now rather than when the host starts it.
        var options = settings.OptionsFor(descriptor.Defaults(settings.BootstrapServers ?? "embedded"));
        options.Validate();
        options.ValidateBuffers(TIn.Serializer.Schema, options.OutputTopic is null ? null : TOut.Serializer.Schema, descriptor.Features.HasFlag(ProcessorFeatures.FlushWhen));

        services.TryAddSingleton(settings);
        var status = PipelinesStatus.In(services).Add(descriptor.Name);
        PipelinesTopology.In(services).Add(new ProcessorTopology(
            options.Name,
            options.GroupId,
            options.InputTopic,
            options.OutputTopic,
            options.OnFailure == FailurePolicy.DeadLetter ? options.EffectiveDeadLetterTopic : null,
            descriptor.StateName is { } state ? Pipelines.State.StateStage.ChangelogTopicOf(options.GroupId, state) : null,
            (descriptor.Tables ?? []).Select(t => t.Topic).ToList(),
            options.InputTopics.Count > 0 ? options.InputTopics : null));
        services.TryAddSingleton(provider => new KafkaConnection(provider.GetRequiredService<PipelinesSettings>(), provider.GetRequiredService<ILogger<KafkaConnection>>()));

        // Asked for only when something uses one (AvroMessageSerializer, …): a host without Schema Registry topics needs none.
        services.TryAddSingleton(provider => provider.GetRequiredService<KafkaConnection>().SchemaRegistry);
        services.AddSingleton<IHostedService>(provider => new ProcessorService<TProcessor, TIn, TOut>(
            provider.GetRequiredService<PipelinesSettings>(),
            provider.GetRequiredService<KafkaConnection>(),
            provider,
            provider.GetRequiredService<ILoggerFactory>(),
            status));
        return services;
    }
}
