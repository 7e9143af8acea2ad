namespace Pipelines.Processing;

/// <summary>
/// Room in the thread pool for processor loops, each of which spends most of its time blocking a pool thread in
/// librdkafka's Consume. Once every pool thread is taken the pool adds one only about every half second, so a host that
/// starts ten processors had them all reading only after about eight seconds (the sample, measured: one processor
/// started per 0.8 s, the simulator last). Each running loop raises the pool's minimum by one, and gives it back when it
/// ends.
/// </summary>
internal static class BlockingLoops
{
    private static readonly Lock Gate = new();

    /// <summary>Makes room for one more loop; dispose the result when the loop ends.</summary>
    public static IDisposable Enter()
    {
        Adjust(+1);
        return new Room();
    }

    private static void Adjust(int by)
    {
        lock (Gate)
        {
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers + by, Environment.ProcessorCount), io);
        }
    }

    private sealed class Room : IDisposable
    {
        private int left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref left, 1) == 0)
            {
                Adjust(-1);
            }
        }
    }
}
