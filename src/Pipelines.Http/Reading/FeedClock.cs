namespace Pipelines.Http;

/// <summary>
/// One tick every few milliseconds that every busy client of the host's feeds sends on: the frames a client got since
/// the last tick go out in one write. One timer for the host, rather than a timer per client per write, which at
/// hundreds of clients and a thousand frames a second was a good part of what the server did. Started by the first
/// client that needs it, stopped with the host.
/// </summary>
internal sealed class FeedClock(TimeSpan period) : IDisposable
{
    private readonly object gate = new();
    private TaskCompletionSource tick = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Timer? timer;
    private bool stopped;

    /// <summary>Completes at the next tick (or at once, once stopped).</summary>
    public Task Next
    {
        get
        {
            lock (gate)
            {
                if (stopped)
                {
                    return Task.CompletedTask;
                }

                timer ??= new Timer(_ => Tick(), null, period, period);
                return tick.Task;
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stopped = true;
            timer?.Dispose();
        }

        tick.TrySetResult();
    }

    private void Tick()
    {
        TaskCompletionSource due;
        lock (gate)
        {
            due = tick;
            tick = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        due.TrySetResult();
    }
}
