using Confluent.Kafka;
using Pipelines.Infrastructure;

namespace Pipelines.Kafka;

/// <summary>
/// Reads a Kafka key into the array shared by every message of the same stream, rather than a new array per
/// message: a stream's key repeats on every row. The arrays are shared and must not be written to.
/// </summary>
internal sealed class StreamKeyDeserializer : IDeserializer<byte[]?>
{
    public static StreamKeyDeserializer Instance { get; } = new();

    public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull ? null : Utf8StringPool.Shared.GetBytes(data);
}
