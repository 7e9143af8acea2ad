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

    /// <summary>Many rows of one stream in the packed-rows layout (docs/wire-format.md).</summary>
    public const string Rows = "rows";

    /// <summary>One <see cref="StreamEvent"/>.</summary>
    public const string Event = "event";

    /// <summary>A stream's <see cref="StreamProperties"/>.</summary>
    public const string StreamProperties = "stream-properties";

    /// <summary>The end of a stream (<see cref="StreamEnd"/>).</summary>
    public const string StreamEnd = "stream-end";

    private static readonly byte[] RowsBytes = "rows"u8.ToArray();

    /// <summary>
    /// What the value of a message with <paramref name="headers"/> holds; <see cref="MessageType.Unknown"/> for a
    /// type this reader does not know (a newer writer, or garbage), which is never guessed to be a row.
    /// </summary>
    internal static MessageType TypeOf(Headers? headers)
    {
        if (headers is null)
        {
            return MessageType.Row;
        }

        // Indexed: a foreach would box the list's enumerator for every message.
        var type = MessageType.Row;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            // Any split header makes the message a chunk, so one with only some of them is rejected as a chunk.
            if (header.Key is SplitHeaders.Id or SplitHeaders.Index or SplitHeaders.Count)
            {
                return MessageType.Chunk;
            }

            if (header.Key == Header)
            {
                var value = header.GetValueBytes().AsSpan();
                type = value.SequenceEqual(RowsBytes) ? MessageType.Rows
                    : value.SequenceEqual("event"u8) ? MessageType.Event
                    : value.SequenceEqual("stream-properties"u8) ? MessageType.StreamProperties
                    : value.SequenceEqual("stream-end"u8) ? MessageType.StreamEnd
                    : value.SequenceEqual("row"u8) ? MessageType.Row
                    : MessageType.Unknown;
            }
        }

        return type;
    }

    /// <summary>The header value of a message type other than a single row; shared, never written to.</summary>
    internal static byte[] ValueOf(MessageType type) => type switch
    {
        MessageType.Event => EventBytes,
        MessageType.StreamProperties => PropertiesBytes,
        MessageType.StreamEnd => EndBytes,
        _ => RowsBytes,
    };

    private static readonly byte[] EventBytes = "event"u8.ToArray();
    private static readonly byte[] PropertiesBytes = "stream-properties"u8.ToArray();
    private static readonly byte[] EndBytes = "stream-end"u8.ToArray();

}

/// <summary>What a consumed message holds, as its <see cref="MessageTypes.Header"/> says.</summary>
internal enum MessageType
{
    /// <summary>One row.</summary>
    Row,

    /// <summary>Packed rows.</summary>
    Rows,

    /// <summary>A chunk of a split message.</summary>
    Chunk,

    /// <summary>A <see cref="StreamEvent"/>.</summary>
    Event,

    /// <summary>A stream's properties.</summary>
    StreamProperties,

    /// <summary>A stream's end.</summary>
    StreamEnd,

    /// <summary>A <see cref="MessageTypes.Header"/> value this reader does not know: the message is malformed.</summary>
    Unknown,
}
