using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Infrastructure;
using Pipelines.Processing;
using Pipelines.Sinks;

namespace Pipelines.Hosting;

/// <summary>Registers sinks with a host: each reads its contract's topic into its target for the host's lifetime.</summary>
public static class SinkServiceCollectionExtensions
{
    /// <summary>
    /// Runs a sink named <paramref name="name"/> (its consumer group, logs and <c>Pipelines:Processors:&lt;name&gt;</c>
    /// settings: batches by <c>InputBuffer</c>, dead letters, Kafka) reading <typeparamref name="T"/>'s topic into the sink
    /// <paramref name="sink"/> builds.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no topic.</exception>
    public static IServiceCollection AddSink<T>(this IServiceCollection services, string name, IConfiguration configuration, Func<IServiceProvider, ISink<T>> sink)
        where T : IMessageContract<T> =>
        services.Register(name, name, configuration, sink);

    /// <summary>
    /// Runs the <see cref="SinkAttribute{T}">[Sink]</see> class <typeparamref name="TSink"/> (the generated
    /// <c>AddPipelines</c> calls this for each): into the table or files its attribute names, or, without a target, into
    /// <typeparamref name="TSink"/> itself, created from the host's services. <c>Pipelines:Sinks:&lt;Name&gt;</c>'s
    /// <c>Target</c>, <c>Table</c>, <c>ConnectionString</c> and <c>Directory</c> replace the attribute's (a SQLite sink in
    /// development can be a PostgreSQL one in production).
    /// </summary>
    /// <exception cref="PipelinesConfigurationException">After configuration, a table sink has no table or connection string, or a Parquet sink no directory.</exception>
    public static IServiceCollection AddSink<TSink, T>(this IServiceCollection services, IConfiguration configuration)
        where TSink : class, IDeclaredSink<T>
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var declared = TSink.PipelinesSink;
        var name = declared.Name;
        var section = $"Pipelines:Sinks:{name}:";
        var target = declared.Target;
        if (configuration[section + "Target"] is { } configured)
        {
            target = Enum.TryParse<SinkTarget>(configured, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new PipelinesConfigurationException(section + "Target", $"is '{configured}'; it must be one of {string.Join(", ", Enum.GetNames<SinkTarget>())}");
        }

        if (target is null)
        {
            return services.Register(name, declared.GroupId, configuration, provider => ActivatorUtilities.CreateInstance<TSink>(provider) as ISink<T>
                ?? throw new InvalidOperationException($"{typeof(TSink).Name} is a [Sink] without a target, so it must implement ISink<{typeof(T).Name}>."));
        }

        string Required(string setting, string? declaredValue, string what) =>
            configuration[section + setting] ?? declaredValue
            ?? throw new PipelinesConfigurationException(section + setting, $"is not set, and the [Sink] on {typeof(TSink).Name} gives no {setting}: a {target} sink needs {what}");

        if (target == SinkTarget.Parquet)
        {
            var files = new ParquetSinkOptions { Directory = Required("Directory", declared.Directory, "a directory for its files") };
            return services.Register(name, declared.GroupId, configuration, _ => new ParquetSink<T>(files));
        }

        var table = new TableSinkOptions
        {
            ConnectionString = Required("ConnectionString", declared.ConnectionString, "a database to write to"),
            Table = Required("Table", declared.Table, "a table to write to"),
            Write = declared.Write,
            CreateTable = declared.CreateTable,
        };
        return services.Register<T>(name, declared.GroupId, configuration, target == SinkTarget.Postgres ? _ => new PostgresSink<T>(table) : _ => new SqliteSink<T>(table));
    }

    private static IServiceCollection Register<T>(this IServiceCollection services, string name, string groupId, IConfiguration configuration, Func<IServiceProvider, ISink<T>> sink)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sink);
        var topic = T.Serializer.Schema.Topic ?? throw new ArgumentException($"{T.Serializer.Schema.Name} has no [Topic]: a sink reads its contract's topic.", nameof(T));
        var settings = PipelinesSettings.Read(configuration);
        ProcessorOptions Defaults(string bootstrapServers, IReadOnlyDictionary<string, string> consumerKafka) => new()
        {
            Name = name,
            GroupId = groupId,
            InputTopic = topic,
            BootstrapServers = bootstrapServers,
            ConsumerKafka = consumerKafka,
        };

        // Settings checked now rather than when the host starts the sink.
        var options = settings.OptionsFor(Defaults(settings.BootstrapServers ?? "embedded", new Dictionary<string, string>()));
        options.Validate();

        services.TryAddSingleton(settings);
        var status = PipelinesStatus.In(services).Add(name);
        PipelinesTopology.In(services).Add(new ProcessorTopology(name, options.GroupId, options.InputTopic, null, options.OnFailure == FailurePolicy.DeadLetter ? options.EffectiveDeadLetterTopic : null, null, []));
        services.TryAddSingleton(provider => new KafkaConnection(provider.GetRequiredService<PipelinesSettings>(), provider.GetRequiredService<ILogger<KafkaConnection>>()));
        services.AddSingleton<IHostedService>(provider => new SinkService<T>(
            provider.GetRequiredService<PipelinesSettings>(),
            Defaults,
            provider.GetRequiredService<KafkaConnection>(),
            provider,
            sink,
            provider.GetRequiredService<ILoggerFactory>(),
            status));
        return services;
    }

    /// <summary>
    /// Runs a sink named <paramref name="name"/> writing <typeparamref name="T"/>'s topic into a SQLite table, exactly once
    /// (<see cref="SqliteSink{T}"/>). <c>Pipelines:Sinks:&lt;name&gt;:ConnectionString</c>, when set, replaces
    /// <paramref name="options"/>' connection string, so where the database lives is configuration.
    /// </summary>
    public static IServiceCollection AddSqliteSink<T>(this IServiceCollection services, string name, IConfiguration configuration, TableSinkOptions options)
        where T : IMessageContract<T> =>
        services.AddTableSink<T>(name, configuration, options, table => new SqliteSink<T>(table));

    /// <summary>
    /// Runs a sink named <paramref name="name"/> writing <typeparamref name="T"/>'s topic into a PostgreSQL table, exactly
    /// once (<see cref="PostgresSink{T}"/>). <c>Pipelines:Sinks:&lt;name&gt;:ConnectionString</c>, when set, replaces
    /// <paramref name="options"/>' connection string (credentials belong in configuration, not code).
    /// </summary>
    public static IServiceCollection AddPostgresSink<T>(this IServiceCollection services, string name, IConfiguration configuration, TableSinkOptions options)
        where T : IMessageContract<T> =>
        services.AddTableSink<T>(name, configuration, options, table => new PostgresSink<T>(table));

    /// <summary>
    /// Runs a sink named <paramref name="name"/> writing <typeparamref name="T"/>'s topic into Parquet files, exactly once
    /// (<see cref="ParquetSink{T}"/>; a file per batch, so <c>Pipelines:Processors:&lt;name&gt;:InputBuffer</c> sets how many
    /// rows and how long a file holds). <c>Pipelines:Sinks:&lt;name&gt;:Directory</c>, when set, replaces the directory.
    /// </summary>
    public static IServiceCollection AddParquetSink<T>(this IServiceCollection services, string name, IConfiguration configuration, ParquetSinkOptions options)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var files = options with { Directory = configuration[$"Pipelines:Sinks:{name}:Directory"] ?? options.Directory };
        return services.AddSink(name, configuration, _ => new ParquetSink<T>(files));
    }

    private static IServiceCollection AddTableSink<T>(this IServiceCollection services, string name, IConfiguration configuration, TableSinkOptions options, Func<TableSinkOptions, ISink<T>> create)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var table = options with { ConnectionString = configuration[$"Pipelines:Sinks:{name}:ConnectionString"] ?? options.ConnectionString };
        return services.AddSink(name, configuration, _ => create(table));
    }
}
