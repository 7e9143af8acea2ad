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

    /// <summary>Reads a chunk's id, index and count; false when they are missing or malformed.</summary>
    internal static bool TryRead(Headers headers, out string id, out int index, out int count)
    {
        id = "";
        index = count = 0;
        return headers.TryGetLastBytes(Id, out var idBytes) && idBytes.Length is > 0 and <= 64
            && TryReadInt(headers, Index, out index) && TryReadInt(headers, Count, out count)
            && count > 0 && index >= 0 && index < count
            && (id = Encoding.UTF8.GetString(idBytes)).Length > 0;
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

    private static bool TryReadInt(Headers headers, string key, out int value)
    {
        value = 0;
        return headers.TryGetLastBytes(key, out var bytes) && Utf8Parser.TryParse(bytes, out value, out var consumed) && consumed == bytes.Length;
    }
}
