namespace Pipelines;

/// <summary>A processor's state store cannot be opened or restored; the message says why and what to do.</summary>
public sealed class StateStoreException : Exception
{
    /// <summary>Creates the exception with its reason.</summary>
    public StateStoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
