namespace Pipelines;

/// <summary>
/// A row came after every window it belongs to had closed (its key's data time had moved past them by more than the
/// grace period, or they closed after going idle). It is not retried: the processor's failure policy applies at once
/// (a dead letter by default, with this message as the reason).
/// </summary>
public sealed class LateRowException : Exception
{
    /// <summary>Creates the exception with its reason.</summary>
    public LateRowException(string message)
        : base(message)
    {
    }
}
