using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Pipelines.Processing;
using Pipelines.Tables;

namespace Pipelines.Infrastructure;

/// <summary>
/// A table a processor's handler reads (a <see cref="GlobalTable{T}"/> parameter): its topic and how to read it.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TableDefinition
{
    private readonly Func<ProcessorOptions, ILogger, TableReader> open;

    private TableDefinition(string topic, Type rowType, Func<ProcessorOptions, ILogger, TableReader> open)
    {
        Topic = topic;
        RowType = rowType;
        this.open = open;
    }

    /// <summary>The topic read as a table.</summary>
    public string Topic { get; }

    /// <summary>The table's contract.</summary>
    public Type RowType { get; }

    /// <summary>A <see cref="GlobalTable{T}"/> of <paramref name="topic"/>.</summary>
    public static TableDefinition Global<T>(string topic)
        where T : IMessageContract<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return new TableDefinition(topic, typeof(T), (options, logger) => new GlobalTableReader<T>(topic, options, logger));
    }

    /// <summary>Starts reading the table for a processor running with <paramref name="options"/>.</summary>
    internal TableReader Open(ProcessorOptions options, ILogger logger) => open(options, logger);
}
