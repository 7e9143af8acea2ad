using System.ComponentModel;
using Confluent.Kafka;

namespace Pipelines.Infrastructure;

/// <summary>
/// Reads a contract straight from the span Confluent.Kafka hands over: no copy to a byte array. A failure
/// surfaces from <c>Consume</c> as a <see cref="ConsumeException"/> that still carries the raw message, which
/// is what the dead-letter topic receives.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ContractDeserializer<T> : IDeserializer<T>
    where T : IMessageContract<T>
{
    /// <summary>The shared instance; it is stateless.</summary>
    public static ContractDeserializer<T> Instance { get; } = new();

    /// <inheritdoc/>
    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull
            ? throw MessageFormatException.Tombstone(T.Serializer.Schema)
            : MessageSerializer.Deserialize<T>(data);
}
