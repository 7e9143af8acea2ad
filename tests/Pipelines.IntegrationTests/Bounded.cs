using System.Runtime.CompilerServices;

namespace Pipelines.IntegrationTests;

/// <summary>
/// Every wait in these tests has an end. A processor that does not stop fails its own test, naming what it waited
/// for, instead of holding the whole run until CI gives up on it.
/// </summary>
internal static class Bounded
{
    /// <summary>How long a stopping processor or a child process may take: far beyond a healthy run's few seconds.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Awaits <paramref name="task"/>, or fails after <see cref="Patience"/>, with <paramref name="state"/> (logs, say) in the message.</summary>
    public static async Task WithinPatience(this Task task, Func<string>? state = null, [CallerArgumentExpression(nameof(task))] string? what = null)
    {
        // Task.Delay is the bound here, not a synchronisation: a healthy task wins the race by a wide margin.
        using var bound = new CancellationTokenSource();
        if (await Task.WhenAny(task, Task.Delay(Patience, bound.Token)) != task)
        {
            throw new TimeoutException($"'{what}' did not finish within {Patience.TotalSeconds:0} s. {state?.Invoke()}\n{await ThreadStacks.OfThisProcess()}");
        }

        await bound.CancelAsync();
        await task;
    }

    /// <summary>Asks <paramref name="condition"/> until it holds, or fails after <see cref="Patience"/> with <paramref name="state"/>.</summary>
    public static async Task Until(Func<Task<bool>> condition, Func<string> state, [CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{what}' did not hold within {Patience.TotalSeconds:0} s. {state()}");
            }

            await Task.Delay(20); // between two looks at the condition, not instead of one
        }
    }
}
