using MessagePack;

namespace Pipelines;

/// <summary>
/// The one exception a message read throws for bad input: truncated or random bytes, a value of the wrong
/// type (a writer changed a field's type), a column of the wrong length, trailing bytes. It names the
/// contract, the field and the byte position, and never leaves a half-read value behind.
/// </summary>
public sealed class MessageFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MessageFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The contract being read, for example <c>Telemetry.CarTelemetry</c>.</summary>
    public string? Contract { get; private init; }

    /// <summary>The wire name of the field being read, or <see langword="null"/> when the message's structure was at fault.</summary>
    public string? Field { get; private init; }

    /// <summary>The byte offset in the message at which reading stopped.</summary>
    public long Position { get; private init; }

    /// <summary>Wraps a failure raised while reading <paramref name="fieldIndex"/> (-1 for the structure) of <paramref name="schema"/>.</summary>
    public static MessageFormatException Create(MessageSchema schema, int fieldIndex, long position, Exception innerException)
    {
        var field = fieldIndex >= 0 && fieldIndex < schema.Fields.Count ? schema.Fields[fieldIndex] : null;
        var where = field is null ? $"at byte {position}" : $"in field '{field.Name}' ({field.WireType}) at byte {position}";
        var cause = innerException switch
        {
            EndOfStreamException => "the message ends too early (truncated?)",
            _ => innerException.Message,
        };
        var hint = field is not null && innerException is MessagePackSerializationException
            ? $" The writer's value does not have the type this reader expects; if the field's type changed, old and new schemas are incompatible (this reader's fingerprint is {schema.Fingerprint})."
            : string.Empty;

        return new MessageFormatException($"Cannot read a '{schema.Name}' message {where}: {cause}.{hint}", innerException)
        {
            Contract = schema.Name,
            Field = field?.Name,
            Position = position,
        };
    }

    /// <summary>Reports bytes left over after a complete message.</summary>
    public static MessageFormatException TrailingBytes(MessageSchema schema, long position, long remaining) =>
        new($"Cannot read a '{schema.Name}' message: {remaining} unexpected bytes follow the message at byte {position}.")
        {
            Contract = schema.Name,
            Position = position,
        };

    /// <summary>Whether a failure while reading is the input's fault and should be reported as a <see cref="MessageFormatException"/>.</summary>
    public static bool IsInputFault(Exception exception) =>
        exception is not (MessageFormatException or OperationCanceledException or OutOfMemoryException);
}
