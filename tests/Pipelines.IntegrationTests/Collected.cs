using System.Collections;

namespace Pipelines.IntegrationTests;

/// <summary>
/// What a test collects from processors running beside it (rows, log lines), with a wait that ends the moment a
/// condition on the collection holds: signalled by <see cref="Add"/>, not polled.
/// </summary>
internal sealed class Collected<T> : IReadOnlyCollection<T>
{
    private readonly List<T> items = [];
    private readonly List<(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource Signal)> waiters = [];

    public int Count
    {
        get
        {
            lock (items)
            {
                return items.Count;
            }
        }
    }

    public bool IsEmpty => Count == 0;

    public void Add(T item)
    {
        lock (items)
        {
            items.Add(item);
            waiters.RemoveAll(waiter =>
            {
                if (!waiter.Condition(items))
                {
                    return false;
                }

                waiter.Signal.TrySetResult();
                return true;
            });
        }
    }

    /// <summary>
    /// Returns when <paramref name="condition"/> holds, when <paramref name="stopped"/> (a processor's run) has ended,
    /// or after <see cref="TopicReader.Patience"/>, whichever comes first; the test then asserts what it needs.
    /// </summary>
    public async Task Until(Func<IReadOnlyList<T>, bool> condition, Task? stopped = null)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (items)
        {
            if (condition(items))
            {
                return;
            }

            waiters.Add((condition, signal));
        }

        // The delay is the bound on the wait, not its synchronisation: the signal ends it.
        using var bound = new CancellationTokenSource();
        await Task.WhenAny(signal.Task, stopped ?? signal.Task, Task.Delay(TopicReader.Patience, bound.Token));
        await bound.CancelAsync();
    }

    public IEnumerator<T> GetEnumerator()
    {
        lock (items)
        {
            return items.ToList().GetEnumerator();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
