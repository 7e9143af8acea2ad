using System.ComponentModel;
using Pipelines.Sinks;

namespace Pipelines.Infrastructure;

/// <summary>
/// What a <see cref="SinkAttribute{T}">[Sink]</see> class declares: its name, group and where it writes. Configuration
/// (<c>Pipelines:Sinks:&lt;Name&gt;</c>) replaces the connection string and directory.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <param name="Name">The sink's name (its class name): configuration keys, logs, dead-letter headers.</param>
/// <param name="GroupId">The consumer group.</param>
/// <param name="Target">Where the runtime writes, or <see langword="null"/> when the class implements <see cref="ISink{T}"/> itself.</param>
/// <param name="Table">The table (SQLite and PostgreSQL).</param>
/// <param name="ConnectionString">The connection string the attribute gives, if any.</param>
/// <param name="Directory">The directory (Parquet).</param>
/// <param name="Write">Insert or upsert (tables).</param>
/// <param name="CreateTable">Whether a missing table is created from the contract.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SinkDescriptor(
    string Name,
    string GroupId,
    SinkTarget? Target,
    string? Table = null,
    string? ConnectionString = null,
    string? Directory = null,
    TableWrite Write = TableWrite.Insert,
    bool CreateTable = true);

/// <summary>
/// A sink class with what the host needs to run it. The generator implements this on every
/// <see cref="SinkAttribute{T}">[Sink]</see> class; <c>AddSink&lt;TSink, T&gt;</c> registers one.
/// For use by generated code; not intended to be called directly.
/// </summary>
/// <typeparam name="T">The contract whose topic the sink reads.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDeclaredSink<T>
    where T : IMessageContract<T>
{
    /// <summary>The sink's declaration.</summary>
    static abstract SinkDescriptor PipelinesSink { get; }
}
