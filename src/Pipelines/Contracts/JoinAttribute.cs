namespace Pipelines;

/// <summary>
/// Makes a <see cref="ProcessorAttribute">processor</see> join the rows of two topics by stream key and data time. Its
/// one <c>Handle</c> takes a row of each: <c>TOut? Handle(TLeft left, TRight right)</c>, each a <c>[Topic]</c>
/// contract with a <see cref="TimestampAttribute">timestamp</see>; the processor reads both topics, which must be
/// co-partitioned. Declaring the right row nullable (<c>TRight? right</c>) makes it a left join. Set exactly one of
/// <see cref="Within"/> and <see cref="AsOf"/>. Times are time spans such as <c>"00:00:05"</c>.
/// </summary>
/// <remarks>
/// Rows wait in the processor's durable state (a local store and a changelog topic) while a row still to come could
/// match them, measured in data time per key, so a join survives restarts and moves with its partition; a crash
/// neither loses nor repeats a match in the state. A row further behind the key's data time than <see cref="Grace"/>
/// is late: rows it could have matched may be gone, so it is rejected under the processor's failure policy (a dead
/// letter by default) with a <see cref="LateRowException"/>. Mistakes in these settings or in the handler are
/// compile-time errors (PIPE026).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class JoinAttribute : Attribute
{
    /// <summary>
    /// An interval join: every pair of rows of the two topics with the same key and timestamps at most this far apart,
    /// either way (both ends included), is handed to <c>Handle</c> once, when its later-read row arrives. The key's data
    /// time is its latest row of either topic; rows older than it by more than this plus <see cref="Grace"/> leave the
    /// state. In a left join, a left row that found no right row is handed over with <see langword="null"/> then. Positive.
    /// </summary>
    public string? Within { get; init; }

    /// <summary>
    /// An as-of join: each left row with the latest right row of its key at or before its timestamp, and at most this
    /// much before it (both ends included), as the processor holds them when the left row arrives. A left row without
    /// one is dropped, or in a left join handed over with <see langword="null"/>. Right rows produce nothing by
    /// themselves. Positive.
    /// </summary>
    public string? AsOf { get; init; }

    /// <summary>
    /// How far behind the key's data time a row may arrive and still be joined: the out-of-order time of each topic and
    /// how far one topic may be read ahead of the other. For an interval join the data time is the key's latest row of
    /// either topic; for an as-of join, its latest left row. Not negative; by default <see cref="Within"/> (or <see cref="AsOf"/>).
    /// </summary>
    public string? Grace { get; init; }
}
