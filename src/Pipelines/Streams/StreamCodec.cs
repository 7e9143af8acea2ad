using System.Buffers;
using Pipelines.Infrastructure;

namespace Pipelines.Processing;

/// <summary>
/// The values of the stream messages (see docs/wire-format.md), as MessagePack maps read by the same tolerant rules
/// as rows: unknown keys are skipped, missing ones keep their default. Whatever is wrong with a value, reading it
/// throws <see cref="MessageFormatException"/> and nothing else.
/// </summary>
internal static class StreamCodec
{
    public static byte[] Write(StreamEvent streamEvent)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new MessageWriter(output);
        writer.WriteMapHeader(4);
        writer.WriteKey("timestamp"u8);
        writer.Write(streamEvent.Timestamp);
        writer.WriteKey("id"u8);
        writer.Write(streamEvent.Id);
        writer.WriteKey("value"u8);
        writer.Write(streamEvent.Value);
        writer.WriteKey("tags"u8);
        WriteMap(ref writer, streamEvent.Tags);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static StreamEvent ReadEvent(ReadOnlySpan<byte> bytes) => Guard(bytes, "event", ReadEventCore);

    private static StreamEvent ReadEventCore(ReadOnlySpan<byte> bytes)
    {
        var reader = new MessageReader(bytes);
        long timestamp = 0;
        string? id = null, value = null;
        IReadOnlyDictionary<string, string> tags = StreamEvent.EmptyTags;
        for (var remaining = reader.ReadMapHeader(); remaining > 0; remaining--)
        {
            var key = reader.ReadKey();
            if (key.SequenceEqual("timestamp"u8)) timestamp = reader.ReadInt64();
            else if (key.SequenceEqual("id"u8)) id = reader.ReadString();
            else if (key.SequenceEqual("value"u8)) value = reader.ReadString();
            else if (key.SequenceEqual("tags"u8)) tags = ReadMap(ref reader);
            else reader.Skip();
        }

        EnsureEnd(ref reader, "event");
        return new StreamEvent { Timestamp = timestamp, Id = id ?? throw Invalid("an event has no \"id\""), Value = value, Tags = tags };
    }

    public static byte[] Write(StreamProperties properties)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new MessageWriter(output);
        writer.WriteMapHeader(3);
        writer.WriteKey("name"u8);
        writer.Write(properties.Name);
        writer.WriteKey("metadata"u8);
        WriteMap(ref writer, properties.Metadata);
        writer.WriteKey("parents"u8);
        writer.WriteArrayHeader(properties.Parents.Count);
        foreach (var parent in properties.Parents)
        {
            writer.Write(parent);
        }

        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static StreamProperties ReadProperties(ReadOnlySpan<byte> bytes) => Guard(bytes, "stream-properties message", ReadPropertiesCore);

    private static StreamProperties ReadPropertiesCore(ReadOnlySpan<byte> bytes)
    {
        var reader = new MessageReader(bytes);
        string? name = null;
        IReadOnlyDictionary<string, string> metadata = StreamEvent.EmptyTags;
        var parents = new List<string>();
        for (var remaining = reader.ReadMapHeader(); remaining > 0; remaining--)
        {
            var key = reader.ReadKey();
            if (key.SequenceEqual("name"u8))
            {
                name = reader.ReadString();
            }
            else if (key.SequenceEqual("metadata"u8))
            {
                metadata = ReadMap(ref reader);
            }
            else if (key.SequenceEqual("parents"u8) && !reader.TryReadNil())
            {
                for (var count = reader.ReadArrayHeader(); count > 0; count--)
                {
                    parents.Add(reader.ReadString() ?? "");
                }
            }
            else
            {
                reader.Skip();
            }
        }

        EnsureEnd(ref reader, "stream-properties message");
        return new StreamProperties { Name = name, Metadata = metadata, Parents = parents };
    }

    public static byte[] Write(StreamEnd end)
    {
        var output = new ArrayBufferWriter<byte>(16);
        var writer = new MessageWriter(output);
        writer.WriteMapHeader(1);
        writer.WriteKey("end"u8);
        writer.Write(end switch { StreamEnd.Aborted => "aborted", StreamEnd.Idle => "idle", _ => "closed" });
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static StreamEnd ReadEnd(ReadOnlySpan<byte> bytes) => Guard(bytes, "stream-end message", ReadEndCore);

    private static StreamEnd ReadEndCore(ReadOnlySpan<byte> bytes)
    {
        var end = StreamEnd.Closed;
        if (bytes.IsEmpty)
        {
            return end; // an empty value is a plain close
        }

        var reader = new MessageReader(bytes);
        for (var remaining = reader.ReadMapHeader(); remaining > 0; remaining--)
        {
            if (reader.ReadKey().SequenceEqual("end"u8))
            {
                end = reader.ReadString() switch
                {
                    "aborted" => StreamEnd.Aborted,
                    "idle" => StreamEnd.Idle,
                    _ => StreamEnd.Closed,
                };
            }
            else
            {
                reader.Skip();
            }
        }

        EnsureEnd(ref reader, "stream-end message");
        return end;
    }

    private static void WriteMap(ref MessageWriter writer, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    private static Dictionary<string, string> ReadMap(ref MessageReader reader)
    {
        var map = new Dictionary<string, string>();
        if (reader.TryReadNil())
        {
            return map;
        }

        for (var count = reader.ReadMapHeader(); count > 0; count--)
        {
            var key = reader.ReadString() ?? "";
            map[key] = reader.ReadString() ?? "";
        }

        return map;
    }

    private static void EnsureEnd(ref MessageReader reader, string what)
    {
        if (!reader.End)
        {
            throw Invalid($"a {what} has {reader.Length - reader.Position} bytes after its end");
        }
    }

    private static MessageFormatException Invalid(string reason) => new($"Not a valid stream message: {reason}.");

    /// <summary>Runs a read, turning whatever the wire reader throws into the one documented format error.</summary>
    private static T Guard<T>(ReadOnlySpan<byte> bytes, string what, Func<ReadOnlySpan<byte>, T> read)
    {
        try
        {
            return read(bytes);
        }
        catch (Exception exception) when (exception is not MessageFormatException && MessageFormatException.IsInputFault(exception))
        {
            var reason = exception is EndOfStreamException ? "it ends too early (truncated?)" : exception.Message.TrimEnd('.');
            throw new MessageFormatException($"Not a valid stream message: a {what} cannot be read: {reason}.", exception);
        }
    }
}
