using System.Buffers.Text;
using MessagePack;

namespace Pipelines.Serialization.Codecs;

/// <summary>Codec for <see cref="Guid"/>: a 36-character string (<c>"D"</c> format), as MessagePack-CSharp writes it.</summary>
public readonly struct GuidCodec : IValueCodec<Guid>
{
    private const int Length = 36;

    /// <inheritdoc/>
    public static string WireType => "uuid";

    /// <inheritdoc/>
    public static void Write(ref MessagePackWriter writer, Guid value)
    {
        writer.WriteStringHeader(Length);
        Utf8Formatter.TryFormat(value, writer.GetSpan(Length), out _);
        writer.Advance(Length);
    }

    /// <inheritdoc/>
    public static Guid Read(ref MessagePackReader reader)
    {
        var utf8 = ContractReader.ReadStringSpan(ref reader);
        if (utf8.Length == Length && Utf8Parser.TryParse(utf8, out Guid value, out var consumed, 'D') && consumed == Length)
        {
            return value;
        }

        throw new MessagePackSerializationException($"Expected a GUID in \"D\" format (36 characters) but found {utf8.Length} bytes that are not one.");
    }
}

/// <summary>
/// Codec for <see cref="decimal"/>: its invariant-culture text as a string, so no precision is lost and any
/// reader can parse it; integers and floats are accepted on read.
/// </summary>
public readonly struct DecimalCodec : IValueCodec<decimal>
{
    private const int MaxTextLength = 31;

    /// <inheritdoc/>
    public static string WireType => "decimal";

    /// <inheritdoc/>
    public static void Write(ref MessagePackWriter writer, decimal value)
    {
        // A decimal's text is at most 31 bytes (29 digits, sign, point), so its header is always a one-byte fixstr.
        var span = writer.GetSpan(MaxTextLength + 1);
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[0] = (byte)(MessagePackCode.MinFixStr | written);
        writer.Advance(written + 1);
    }

    /// <inheritdoc/>
    public static decimal Read(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Integer:
                return reader.NextCode == MessagePackCode.UInt64 ? reader.ReadUInt64() : reader.ReadInt64();
            case MessagePackType.Float:
                return (decimal)reader.ReadDouble();
        }

        var utf8 = ContractReader.ReadStringSpan(ref reader);
        if (Utf8Parser.TryParse(utf8, out decimal value, out var consumed) && consumed == utf8.Length)
        {
            return value;
        }

        throw new MessagePackSerializationException($"Expected a decimal number as text but found {utf8.Length} bytes that are not one.");
    }
}
