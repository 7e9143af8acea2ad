using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// The headers of one chunk of a message too large for the broker (see docs/wire-format.md): every chunk of a
/// message carries the same <see cref="Id"/> and <see cref="Count"/>, its own <see cref="Index"/>, the message's
/// key and its other headers. Chunks are written in order to one partition; the reader joins them back.
/// </summary>
public static class SplitHeaders
{
    /// <summary>The message's split id: 32 hex digits, the same on all its chunks.</summary>
    public const string Id = "pipelines.split.id";

    /// <summary>This chunk's position, from 0 (decimal text).</summary>
    public const string Index = "pipelines.split.index";

    /// <summary>How many chunks the message has (decimal text).</summary>
    public const string Count = "pipelines.split.count";

    /// <summary>
    /// Reads a chunk's id, index and count. A count is bounded before anything is allocated for it: every chunk holds
    /// at least one byte, so a message of at most <paramref name="maxSplitMessageBytes"/> has at most that many chunks.
    /// Where a header is repeated, the last one counts, as everywhere in Kafka.
    /// </summary>
    /// <exception cref="MessageFormatException">A split header is missing or malformed; the message says which.</exception>
    internal static SplitPart Read(Headers headers, long maxSplitMessageBytes)
    {
        if (!headers.TryGetLastBytes(Id, out var idBytes) || idBytes is not { Length: > 0 and <= 64 })
        {
            throw Invalid($"{Id} must be present and 1 to 64 bytes long");
        }

        string id;
        try
        {
            id = StrictUtf8.GetString(idBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"{Id} is not UTF-8 text");
        }

        var count = ReadInt(headers, Count);
        var index = ReadInt(headers, Index);
        if (count < 1 || count > maxSplitMessageBytes)
        {
            throw Invalid($"{Count} is {count}; a split message of at most {maxSplitMessageBytes} bytes (MaxSplitMessageBytes) has 1 to {maxSplitMessageBytes} chunks");
        }

        if (index < 0 || index >= count)
        {
            throw Invalid($"{Index} is {index}; it must be 0 to {Count} - 1 ({count - 1})");
        }

        return new SplitPart(id, index, count);
    }

    /// <summary>The headers of chunk <paramref name="index"/> of <paramref name="count"/>: <paramref name="original"/>'s and the split headers.</summary>
    internal static Headers For(Headers? original, byte[] id, int index, int count)
    {
        var headers = new Headers();
        foreach (var header in original ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(Id, id);
        headers.Add(Index, Encoding.UTF8.GetBytes(index.ToString(CultureInfo.InvariantCulture)));
        headers.Add(Count, Encoding.UTF8.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
        return headers;
    }

    /// <summary><paramref name="headers"/> without the split headers: those of the joined message.</summary>
    internal static Headers Without(Headers headers)
    {
        var joined = new Headers();
        foreach (var header in headers)
        {
            if (header.Key is not (Id or Index or Count))
            {
                joined.Add(header.Key, header.GetValueBytes());
            }
        }

        return joined;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static int ReadInt(Headers headers, string key) =>
        headers.TryGetLastBytes(key, out var bytes) && bytes is not null && Utf8Parser.TryParse(bytes, out int value, out var consumed) && consumed == bytes.Length
            ? value
            : throw Invalid($"{key} must be present and a whole number in decimal text");

    private static MessageFormatException Invalid(string reason) => new($"Not a valid chunk of a split message: {reason}.");
}

/// <summary>Where one chunk belongs: its split message's id, its position and the message's chunk count.</summary>
internal sealed record SplitPart(string Id, int Index, int Count);
