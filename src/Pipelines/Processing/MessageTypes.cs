using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// What a message's value holds, named by its <see cref="Header"/>. A message without the header is one row, so a
/// plain producer (kcat, another client) needs nothing special.
/// </summary>
public static class MessageTypes
{
    /// <summary>The header that names the message type.</summary>
    public const string Header = "pipelines.type";

    /// <summary>One row (also a message without the header).</summary>
    public const string Row = "row";

    /// <summary>Many rows of one stream in the row-batch layout (docs/wire-format.md).</summary>
    public const string Rows = "rows";

    private static readonly byte[] RowsBytes = "rows"u8.ToArray();

    /// <summary>Whether <paramref name="headers"/> mark a row batch.</summary>
    internal static bool IsRows(Headers? headers)
    {
        if (headers is null)
        {
            return false;
        }

        // Indexed: a foreach would box the list's enumerator for every message.
        for (var i = headers.Count - 1; i >= 0; i--)
        {
            var header = headers[i];
            if (header.Key == Header)
            {
                return header.GetValueBytes().AsSpan().SequenceEqual(RowsBytes);
            }
        }

        return false;
    }

    /// <summary>The header value that marks a row batch; shared, never written to.</summary>
    internal static byte[] RowsValue => RowsBytes;
}
