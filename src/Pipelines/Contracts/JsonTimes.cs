namespace Pipelines;

/// <summary>
/// How a contract's JSON form writes its <see cref="DateTime"/> and <see cref="DateTimeOffset"/> members (the timestamp
/// among them); readers take both forms whatever this says. Set on the contract: <c>[Topic("orders", Format =
/// TopicFormat.Json, JsonTimes = JsonTimes.UnixMilliseconds)]</c>, or on a <c>[MessageContract]</c> nested in one.
/// </summary>
public enum JsonTimes
{
    /// <summary>ISO-8601 text: <c>"2026-12-06T23:30:15.25Z"</c> (a <see cref="DateTimeOffset"/> with its offset). The default.</summary>
    Iso8601,

    /// <summary>
    /// A number of milliseconds since the Unix epoch (UTC), as JavaScript's <c>Date.now()</c>, Kafka timestamps and many
    /// services write a time: <c>1765063815250</c>. Anything finer than a millisecond is not written.
    /// </summary>
    UnixMilliseconds,
}
