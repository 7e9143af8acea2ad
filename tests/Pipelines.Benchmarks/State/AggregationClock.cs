namespace Pipelines.Benchmarks.State;

/// <summary>
/// What the windowed benchmarks time by: rows aggregated, counted inside each engine's aggregator. The aggregators
/// wait at <see cref="Gate"/> while an iteration's input is written, so only aggregating is measured.
/// </summary>
internal static class AggregationClock
{
    private static long aggregated;
    private static long expected;
    private static TaskCompletionSource done = new();

    public static ManualResetEventSlim Gate { get; } = new();


    /// <summary>Called by an aggregator for each row.</summary>
    public static void Row()
    {
        Gate.Wait();
        if (Interlocked.Increment(ref aggregated) == Volatile.Read(ref expected))
        {
            done.TrySetResult();
        }
    }

    /// <summary>Closes the gate and arms the clock for <paramref name="rows"/> rows.</summary>
    public static void Expect(long rows)
    {
        Gate.Reset();
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref aggregated, 0);
        Volatile.Write(ref expected, rows);
    }

    /// <summary>Opens the gate and waits for the rows.</summary>
    public static void Run()
    {
        Gate.Set();
        done.Task.GetAwaiter().GetResult();
    }
}
