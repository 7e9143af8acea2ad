using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Processing;

namespace Pipelines.Hosting;

/// <summary>Runs one processor for the lifetime of the host: creates its topics, builds it from DI, runs its loop.</summary>
internal sealed class ProcessorService<TProcessor, TIn, TOut>(
    PipelinesSettings settings,
    KafkaConnection connection,
    IServiceProvider services,
    ILoggerFactory loggers,
    ProcessorStatus status) : BackgroundService
    where TProcessor : class, IProcessor<TProcessor, TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (Exception exception) when (status.Phase != ProcessorPhase.Stopped)
        {
            // Before the loop ran: a topic, changelog or processor that could not be made.
            status.Stop(exception);
            throw;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // The host starts its services one after another, each until its first await: creating topics (which can
        // take a while, and does not await on the embedded broker) must not hold up the processors after this one.
        await Task.Yield();
        var descriptor = TProcessor.PipelinesDescriptor;
        var defaults = descriptor.Defaults(connection.BootstrapServers, connection.ConsumerDefaults) with
        {
            // A clock registered in the container is the processors' (a test's FakeTimeProvider moves windows, buffers, expiry).
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
            ConfigureRocksDb = services.GetService<ConfigureRocksDb>(),
        };
        if (connection.DefaultStateDirectory is { } stateDirectory)
        {
            defaults = defaults with { StateDirectory = stateDirectory };
        }

        var options = settings.OptionsFor(defaults);
        var processor = ActivatorUtilities.GetServiceOrCreateInstance<TProcessor>(services);
        var tables = ((IProcessor<TIn, TOut>)processor).Tables;

        // The host's registry only for a processor with a contract on a registry topic: no other starts the embedded one,
        // and on a cluster none other needs Pipelines:SchemaRegistry:Url.
        var schemas = ContractFormat.InputSchemas<TIn>().Append(TOut.Serializer.Schema).Concat(tables.Select(t => t.Schema).OfType<MessageSchema>());
        if (schemas.Any(ContractFormat.NeedsRegistry))
        {
            options = options with
            {
                SchemaRegistry = services.GetService<Confluent.SchemaRegistry.ISchemaRegistryClient>() ?? connection.SchemaRegistry,
                SubjectNameStrategy = connection.SubjectNameStrategy,
            };
        }

        // Inputs first: a partitioned table and a changelog take their partition count, and several inputs each other's.
        await connection.EnsureInputsAsync(options.Inputs, stoppingToken);
        var others = new[] { options.OutputTopic, options.OnFailure == FailurePolicy.DeadLetter ? options.EffectiveDeadLetterTopic : null };
        await connection.EnsureTopicsAsync(others.OfType<string>().Concat(tables.Where(t => !t.IsPartitioned).Select(t => t.Topic)), stoppingToken);
        foreach (var table in tables.Where(t => t.IsPartitioned))
        {
            await connection.EnsurePartitionedTableAsync(table.Topic, options.InputTopic, stoppingToken);
        }

        if (((IProcessor<TIn, TOut>)processor).State is { } state)
        {
            await connection.EnsureChangelogAsync(Pipelines.State.StateStage.ChangelogTopicOf(options.GroupId, state.Name), options.InputTopic, stoppingToken);
        }

        var runner = new ProcessorRunner<TIn, TOut>(options, processor, loggers.CreateLogger("Pipelines.Processor." + descriptor.Name), status);
        await runner.RunAsync(stoppingToken);
    }
}
