namespace Pipelines;

/// <summary>
/// A closing window's <c>Emit</c> threw. The window is closed all the same (a window emits once), and what it held
/// is not lost: its accumulator, serialized, goes where the processor's failure policy says (a dead letter by
/// default), with this exception, which names the window, as the reason.
/// </summary>
public sealed class WindowEmitException : Exception
{
    /// <summary>Creates the exception for <paramref name="window"/>.</summary>
    public WindowEmitException(WindowInfo window, Exception innerException)
        : base($"Emit failed for window {window}: {innerException.Message}", innerException) => Window = window;

    /// <summary>The window whose result could not be made.</summary>
    public WindowInfo Window { get; }
}
