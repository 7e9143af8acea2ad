namespace Pipelines;

/// <summary>
/// A contract's schema does not fit a topic's subject in the Schema Registry: the registry refused to register it
/// (an output), or it cannot read what the topic's writers write now (an input). Stops a processor before its first
/// row; the message names the subject, the versions compared, and each field with the rule it breaks.
/// </summary>
public sealed class SchemaIncompatibleException : Exception
{
    /// <summary>Creates the exception for <paramref name="subject"/>.</summary>
    public SchemaIncompatibleException(string subject, string message, Exception? innerException = null)
        : base(message, innerException) => Subject = subject;

    /// <summary>The registry subject compared against, <c>&lt;topic&gt;-value</c>.</summary>
    public string Subject { get; }
}
