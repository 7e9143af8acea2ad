using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Processing;
using Pipelines.Sinks;

namespace Pipelines.Hosting;

/// <summary>Runs one sink for the lifetime of the host: creates its topics, builds the sink, runs its loop, disposes it.</summary>
internal sealed class SinkService<T>(
    PipelinesSettings settings,
    Func<string, IReadOnlyDictionary<string, string>, ProcessorOptions> defaults,
    KafkaConnection connection,
    IServiceProvider services,
    Func<IServiceProvider, ISink<T>> create,
    ILoggerFactory loggers,
    ProcessorStatus status) : BackgroundService
    where T : IMessageContract<T>
{
    /// <summary>The sink this service writes into: built when the service starts, after its topics exist.</summary>
    internal ISink<T> CreateSink() => create(services);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // As a processor's service: the host starts its services one after another, each until its first await.
        await Task.Yield();
        var options = settings.OptionsFor(defaults(connection.BootstrapServers, connection.ConsumerDefaults));
        try
        {
            if (Infrastructure.ContractFormat.NeedsRegistry(T.Serializer.Schema))
            {
                options = options with { SchemaRegistry = connection.SchemaRegistry, SubjectNameStrategy = connection.SubjectNameStrategy };
            }

            await connection.EnsureTopicsAsync(options.OnFailure == FailurePolicy.DeadLetter ? [options.InputTopic, options.EffectiveDeadLetterTopic] : [options.InputTopic], stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            status.Stop(exception);
            throw;
        }

        var sink = CreateSink();
        try
        {
            await new SinkRunner<T>(options, sink, loggers.CreateLogger("Pipelines.Sink." + options.Name), status).RunAsync(stoppingToken);
        }
        finally
        {
            (sink as IDisposable)?.Dispose();
        }
    }
}
