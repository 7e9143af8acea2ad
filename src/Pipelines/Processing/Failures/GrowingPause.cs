namespace Pipelines.Processing;

/// <summary>
/// How long to wait before trying again something that did not answer (a Schema Registry, a sink's database): a quarter
/// of a second, twice as long after each miss, at most 30 s. Such a wait lasts as long as the outage; a crash would
/// only restart into it.
/// </summary>
internal static class GrowingPause
{
    /// <summary>The first pause after a miss.</summary>
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    /// <summary>The pause after <paramref name="pause"/>: twice as long, up to 30 s.</summary>
    public static TimeSpan After(TimeSpan pause) => pause * 2 < Longest ? pause * 2 : Longest;
}
