using Pipelines.Sinks;

namespace Pipelines;

/// <summary>
/// Marks a partial class as a sink of <typeparamref name="T"/>'s topic: a processor kind that writes every row into a
/// target outside Kafka, with the input positions in the same write, so a restart neither loses nor repeats a row.
/// The generated <c>AddPipelines</c> runs it. Its name is the class name (logs, <c>Pipelines:Processors:&lt;Name&gt;</c>
/// for batches, dead letters and Kafka, <c>Pipelines:Sinks:&lt;Name&gt;</c> for where it writes).
/// </summary>
/// <typeparam name="T">The <see cref="TopicAttribute">[Topic]</see> contract whose rows are written.</typeparam>
/// <remarks>
/// With a <see cref="SinkTarget"/> the runtime writes: a table (<see cref="Table"/> names it) or Parquet files
/// (<see cref="Directory"/>). Without one the class is the sink: it implements <see cref="ISink{T}"/> and is created from
/// the host's services. Settings that do not fit the target are compile-time errors (PIPE029).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SinkAttribute<T> : Attribute
{
    /// <summary>The class is the sink: it implements <see cref="ISink{T}"/>.</summary>
    public SinkAttribute()
    {
    }

    /// <summary>The runtime writes to <paramref name="target"/>.</summary>
    public SinkAttribute(SinkTarget target) => Target = target;

    /// <summary>Where the rows go, or <see langword="null"/> when the class is the sink.</summary>
    public SinkTarget? Target { get; }

    /// <summary>The table written (SQLite and PostgreSQL; required there).</summary>
    public string? Table { get; init; }

    /// <summary>
    /// The database's connection string (SQLite and PostgreSQL). <c>Pipelines:Sinks:&lt;Name&gt;:ConnectionString</c>
    /// replaces it, and must be set when this is not: credentials belong in configuration.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>The directory the files are written in (Parquet; required there). <c>Pipelines:Sinks:&lt;Name&gt;:Directory</c> replaces it.</summary>
    public string? Directory { get; init; }

    /// <summary>Insert every row (the default), or keep the latest row per stream key (SQLite and PostgreSQL; the contract must have tags).</summary>
    public TableWrite Write { get; init; }

    /// <summary>Create the table from the contract when it does not exist (SQLite and PostgreSQL; on by default).</summary>
    public bool CreateTable { get; init; } = true;

    /// <summary>The consumer group; the class name in kebab-case when omitted. The positions a sink starts from are its target's, not the group's.</summary>
    public string? GroupId { get; init; }
}
