using System.ComponentModel;
using Pipelines.Infrastructure;

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

    /// <summary>Why the input was rejected, without the contract, field and position that <see cref="Exception.Message"/> adds.</summary>
    public string Reason { get; private init; } = string.Empty;

    /// <summary>
    /// Wraps a failure raised while reading <paramref name="fieldIndex"/> (-1 for the structure) of
    /// <paramref name="schema"/>. A failure inside a nested contract keeps its reason and gains the outer field
    /// as a path prefix (<c>Points.X</c>), so the error names the message that was being read.
    /// For use by generated code; not intended to be called directly.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static MessageFormatException Create(MessageSchema schema, int fieldIndex, long position, Exception innerException)
    {
        var field = fieldIndex >= 0 && fieldIndex < schema.Fields.Count ? schema.Fields[fieldIndex] : null;
        if (innerException is MessageFormatException nested)
        {
            var path = field is null ? nested.Field : nested.Field is null ? field.Name : field.Name + "." + nested.Field;
            return Build(schema, path, null, position, nested.Reason, nested.InnerException);
        }

        var reason = innerException switch
        {
            EndOfStreamException => "the message ends too early (truncated?)",
            OverflowException when field is not null => $"the value does not fit the field's type, {field.WireType} ({RangeOf(field.WireType)})",
            _ => innerException.Message.TrimEnd('.'),
        };
        if (field is not null && innerException is WireTypeMismatchException)
        {
            reason += $". The writer's value does not have the type this reader expects; if the field's type changed, old and new schemas are incompatible (this reader's fingerprint is {schema.Fingerprint})";
        }

        return Build(schema, field?.Name, field?.WireType, position, reason, innerException);
    }

    // Unsigned first: "uint64" contains "int64". An element's type stands for its list's (array<int32>?).
    private static readonly (string WireType, string Range)[] Ranges =
    [
        ("uint8", "0 to 255"),
        ("uint16", "0 to 65,535"),
        ("uint32", "0 to 4,294,967,295"),
        ("uint64", "0 to 18,446,744,073,709,551,615"),
        ("int8", "-128 to 127"),
        ("int16", "-32,768 to 32,767"),
        ("int32", "-2,147,483,648 to 2,147,483,647"),
        ("int64", "-9,223,372,036,854,775,808 to 9,223,372,036,854,775,807"),
        ("float32", "±3.4028235E+38"),
    ];

    /// <summary>The values a wire type holds, for an error about one that does not fit.</summary>
    private static string RangeOf(string wireType)
    {
        foreach (var (type, range) in Ranges)
        {
            if (wireType.Contains(type, StringComparison.Ordinal))
            {
                return range;
            }
        }

        return "its range";
    }

    /// <summary>Reports bytes left over after a complete message.</summary>
    public static MessageFormatException TrailingBytes(MessageSchema schema, long position, long remaining) =>
        Build(schema, null, null, position, $"{remaining} unexpected bytes follow the message", null);

    /// <summary>Reports a Kafka message with a null value (a tombstone) where a row was expected.</summary>
    public static MessageFormatException Tombstone(MessageSchema schema) =>
        new($"Cannot read a '{schema.Name}' message: the value is null (a tombstone).");

    private static MessageFormatException Build(MessageSchema schema, string? path, string? wireType, long position, string reason, Exception? innerException)
    {
        var where = path is null ? $"at byte {position}" : wireType is null ? $"in field '{path}' at byte {position}" : $"in field '{path}' ({wireType}) at byte {position}";
        return new MessageFormatException($"Cannot read a '{schema.Name}' message {where}: {reason}.", innerException)
        {
            Contract = schema.Name,
            Field = path,
            Position = position,
            Reason = reason,
        };
    }

    /// <summary>Whether a failure while reading is the input's fault and should be reported as a <see cref="MessageFormatException"/>. For use by generated code; not intended to be called directly.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool IsInputFault(Exception exception) =>
        exception is not (OperationCanceledException or OutOfMemoryException);
}
