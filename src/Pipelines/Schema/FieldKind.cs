using System.ComponentModel;
namespace Pipelines.Infrastructure;

/// <summary>What a field of a message contract is. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum FieldKind
{
    /// <summary>The row's time: int64 nanoseconds since the Unix epoch.</summary>
    Timestamp,

    /// <summary>A value that identifies the stream (part of the Kafka key).</summary>
    Tag,

    /// <summary>A measured value.</summary>
    Parameter,
}
