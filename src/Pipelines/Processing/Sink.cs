namespace Pipelines.Processing;

/// <summary>Adapts an asynchronous sink handler to the runner's row handler, which expects an output.</summary>
public static class Sink
{
    /// <summary>Completes with no output when <paramref name="handled"/> does; no allocation when it already has.</summary>
    public static ValueTask<NoOutput?> Complete(ValueTask handled) =>
        handled.IsCompletedSuccessfully ? default : Await(handled.AsTask());

    /// <inheritdoc cref="Complete(ValueTask)"/>
    public static ValueTask<NoOutput?> Complete(Task handled) =>
        handled.IsCompletedSuccessfully ? default : Await(handled);

    private static async ValueTask<NoOutput?> Await(Task handled)
    {
        await handled.ConfigureAwait(false);
        return null;
    }
}
