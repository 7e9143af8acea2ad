using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// How a processor joins its two inputs (see <see cref="JoinAttribute"/>).
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record JoinDefinition
{
    /// <summary>An interval join (<see cref="JoinAttribute.Within"/>) or an as-of join (<see cref="JoinAttribute.AsOf"/>).</summary>
    public required JoinKind Kind { get; init; }

    /// <summary>The interval's half-width, or the as-of join's tolerance. Positive.</summary>
    public required TimeSpan Within { get; init; }

    /// <summary>How far behind the key's data time a row may arrive and still be joined (<see cref="JoinAttribute.Grace"/>).</summary>
    public TimeSpan Grace { get; init; }

    /// <summary>Whether a left row without a match is handed over with none (a left join) rather than dropped (an inner join).</summary>
    public bool KeepsUnmatched { get; init; }

    internal long WithinNanoseconds => Within.Ticks * 100;

    internal long GraceNanoseconds => Grace.Ticks * 100;
}

/// <summary>The kinds of join. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum JoinKind
{
    /// <summary>Every pair within the interval.</summary>
    Interval,

    /// <summary>Each left row with the latest right row at or before it.</summary>
    AsOf,
}
