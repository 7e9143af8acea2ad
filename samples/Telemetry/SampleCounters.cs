namespace Telemetry;

/// <summary>What the throughput line reports; updated with Interlocked from the simulator and the processors.</summary>
internal static class SampleCounters
{
    public static long Produced;
    public static long Analyzed;
    public static long Insights;
    public static long Laps;

    /// <summary>Insights that found their car's settings in the table.</summary>
    public static long WithSettings;
    public static long Setups;
    public static long Summaries;

    /// <summary>Telemetry rows joined with a pit stop around them.</summary>
    public static long PitPasses;

    /// <summary>Pit-wall notes read from their JSON topic.</summary>
    public static long PitNotes;
}
