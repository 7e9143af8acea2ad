using System.Buffers;
using MessagePack;

namespace Pipelines.Serialization.Codecs;

/// <summary>Codec for <see cref="T:byte[]"/>: bin or nil.</summary>
public readonly struct ByteArrayCodec : IValueCodec<byte[]?>
{
    /// <inheritdoc/>
    public static string WireType => "binary";
    /// <inheritdoc/>
    public static void Write(ref MessagePackWriter writer, byte[]? value) => writer.Write(value);
    /// <inheritdoc/>
    public static byte[]? Read(ref MessagePackReader reader) => reader.ReadBytes()?.ToArray();
}

/// <summary>
/// Codec for <see cref="ReadOnlyMemory{T}"/> of bytes: bin; nil reads as empty. Reading copies, because the
/// message buffer belongs to the consumer and is reused after the handler returns.
/// </summary>
public readonly struct ReadOnlyMemoryCodec : IValueCodec<ReadOnlyMemory<byte>>
{
    /// <inheritdoc/>
    public static string WireType => "binary";
    /// <inheritdoc/>
    public static void Write(ref MessagePackWriter writer, ReadOnlyMemory<byte> value) => writer.Write(value.Span);
    /// <inheritdoc/>
    public static ReadOnlyMemory<byte> Read(ref MessagePackReader reader) => reader.ReadBytes() is { } bytes ? bytes.ToArray() : default;
}
