using System.Buffers;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Pipelines.Infrastructure;
using Pipelines.Processing;

namespace Pipelines.Http;

/// <summary>
/// One message of a topic as a Server-Sent Events frame, encoded once and sent to every client that wants it:
/// <c>id: &lt;positions&gt;</c>, <c>event: rows | event | properties | end</c>, and the JSON data.
/// </summary>
internal sealed class FeedFrame
{
    private FeedFrame(int partition, long offset, long timestampMs, string streamKey, string kind, byte[] data)
    {
        TimestampMs = timestampMs;
        Partition = partition;
        Offset = offset;
        StreamKey = streamKey;
        Kind = kind;
        Data = data;
    }

    public int Partition { get; }

    public long Offset { get; }

    /// <summary>The message's Kafka timestamp, in milliseconds since the Unix epoch.</summary>
    public long TimestampMs { get; }

    /// <summary>The stream the message belongs to (its Kafka key; empty without one).</summary>
    public string StreamKey { get; }

    public string Kind { get; }

    /// <summary>The JSON of the <c>data:</c> line.</summary>
    public byte[] Data { get; }

    /// <summary>The whole frame, once <see cref="Seal"/> gave it its id.</summary>
    public byte[] Bytes { get; private set; } = [];

    /// <summary>Gives the frame the positions a client has read everything before once it has this frame.</summary>
    public FeedFrame Seal(string id)
    {
        Bytes = [.. Encoding.UTF8.GetBytes($"id: {id}\nevent: {Kind}\ndata: "), .. Data, (byte)'\n', (byte)'\n'];
        return this;
    }

    /// <summary>
    /// The frame of <paramref name="message"/>, or <see langword="null"/> for what a feed does not show (a chunk of a
    /// split message, a type it does not know, rows it cannot read): its position still moves on.
    /// </summary>
    public static FeedFrame? Of<T>(ConsumeResult<byte[]?, byte[]?> message, ContractFormat<T> format)
        where T : IMessageContract<T>
    {
        var key = message.Message.Key is { } bytes ? Encoding.UTF8.GetString(bytes) : string.Empty;
        var value = message.Message.Value ?? [];
        var type = MessageTypes.TypeOf(message.Message.Headers);
        var output = new ArrayBufferWriter<byte>(256 + value.Length);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("stream"u8, key);
        string kind;
        try
        {
            switch (type)
            {
                case MessageType.Row or MessageType.Rows:
                    kind = "rows";
                    var rows = new List<T>();
                    var untimed = new List<int>();
                    format.Read(value, type, rows, untimed);
                    foreach (var index in untimed)
                    {
                        rows[index] = T.Serializer.WithTimestamp(rows[index], UnixNanoseconds.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(message.Message.Timestamp.UnixTimestampMs)));
                    }

                    var array = new ArrayBufferWriter<byte>(value.Length * 2);
                    JsonMessages.WriteArray(array, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
                    json.WritePropertyName("rows"u8);
                    json.WriteRawValue(array.WrittenSpan, skipInputValidation: true);
                    break;
                case MessageType.Event:
                    kind = "event";
                    var streamEvent = StreamCodec.ReadEvent(value);
                    json.WriteString("id"u8, streamEvent.Id);
                    json.WriteString("value"u8, streamEvent.Value);
                    json.WriteNumber("timestamp"u8, streamEvent.Timestamp);
                    Map(json, "tags", streamEvent.Tags);
                    break;
                case MessageType.StreamProperties:
                    kind = "properties";
                    var properties = StreamCodec.ReadProperties(value);
                    json.WriteString("name"u8, properties.Name);
                    Map(json, "metadata", properties.Metadata);
                    json.WriteStartArray("parents"u8);
                    foreach (var parent in properties.Parents)
                    {
                        json.WriteStringValue(parent);
                    }

                    json.WriteEndArray();
                    break;
                case MessageType.StreamEnd:
                    kind = "end";
                    json.WriteString("end"u8, StreamCodec.ReadEnd(value).ToString());
                    break;
                default:
                    return null;
            }
        }
        catch (MessageFormatException)
        {
            return null; // what processors dead-letter, a feed passes over: it only shows
        }

        json.WriteEndObject();
        json.Flush();
        return new FeedFrame(message.Partition.Value, message.Offset.Value, message.Message.Timestamp.UnixTimestampMs, key, kind, output.WrittenSpan.ToArray());
    }

    private static void Map(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }
}
