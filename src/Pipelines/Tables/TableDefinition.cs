using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Pipelines.Processing;
using Pipelines.Tables;

namespace Pipelines.Infrastructure;

/// <summary>
/// A table a processor's handler reads (a <see cref="GlobalTable{T}"/> or <see cref="Table{T}"/> parameter): its topic and how to read it.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TableDefinition
{
    private readonly Func<ProcessorOptions, ILogger, TableReader> open;

    private TableDefinition(string topic, Type rowType, bool partitioned, Func<ProcessorOptions, ILogger, TableReader> open, MessageSchema? schema = null)
    {
        Schema = schema;
        Topic = topic;
        RowType = rowType;
        IsPartitioned = partitioned;
        this.open = open;
    }

    /// <summary>The topic read as a table.</summary>
    public string Topic { get; }

    /// <summary>The table's contract.</summary>
    public Type RowType { get; }

    /// <summary>The table's contract's schema (<see langword="null"/> for a test's table).</summary>
    internal MessageSchema? Schema { get; }

    /// <summary>Whether each instance holds only the partitions it is assigned (a <see cref="Table{T}"/>), co-partitioned with the input.</summary>
    public bool IsPartitioned { get; }

    /// <summary>A <see cref="GlobalTable{T}"/> of <paramref name="topic"/>.</summary>
    public static TableDefinition Global<T>(string topic)
        where T : IMessageContract<T> =>
        Of<T>(topic, partitioned: false);

    /// <summary>A <see cref="Table{T}"/> of <paramref name="topic"/>, read partition by partition beside the input.</summary>
    public static TableDefinition Partitioned<T>(string topic)
        where T : IMessageContract<T> =>
        Of<T>(topic, partitioned: true);

    private static TableDefinition Of<T>(string topic, bool partitioned)
        where T : IMessageContract<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return new TableDefinition(topic, typeof(T), partitioned, (options, logger) => new TableReader<T>(topic, partitioned, options, logger), T.Serializer.Schema)
        {
            prepare = (options, logger, cancellationToken) => ContractFormat.Of<T>(options.SchemaRegistry, options.SubjectNameStrategy).PrepareToReadAsync(topic, options.Name, logger, cancellationToken),
        };
    }

    private Func<ProcessorOptions, ILogger, CancellationToken, Task>? prepare;

    /// <summary>Checks, before the processor reads a row, that the table's contract reads its topic's schema in the registry (a registry format).</summary>
    internal Task PrepareAsync(ProcessorOptions options, ILogger logger, CancellationToken cancellationToken) =>
        prepare?.Invoke(options, logger, cancellationToken) ?? Task.CompletedTask;

    /// <summary>A table read by <paramref name="open"/>'s reader: for tests that need a table slower or stranger than a topic.</summary>
    internal static TableDefinition Of(string topic, Type rowType, bool partitioned, Func<ProcessorOptions, ILogger, TableReader> open) =>
        new(topic, rowType, partitioned, open);

    /// <summary>Starts reading the table for a processor running with <paramref name="options"/>.</summary>
    internal TableReader Open(ProcessorOptions options, ILogger logger) => open(options, logger);
}
