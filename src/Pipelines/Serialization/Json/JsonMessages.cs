using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pipelines.Infrastructure;

/// <summary>
/// A JSON topic's messages: one row as an object, several as an array of objects. Writers are cached per thread (a
/// <see cref="Utf8JsonWriter"/> is reset onto each output), so writing a message allocates nothing of its own.
/// </summary>
internal static class JsonMessages
{
    // Kafka values are not HTML: text is written as UTF-8, not \u-escaped, as Python's and JavaScript's writers do.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static Utf8JsonWriter? cached;

    public static void Write<T>(IBufferWriter<byte> output, in T value)
        where T : IMessageContract<T>
    {
        var writer = Writer(output);
        T.Serializer.WriteJson(writer, in value);
        writer.Flush();
    }

    public static void WriteArray<T>(IBufferWriter<byte> output, ReadOnlySpan<T> rows)
        where T : IMessageContract<T>
    {
        var writer = Writer(output);
        writer.WriteStartArray();
        foreach (ref readonly var row in rows)
        {
            T.Serializer.WriteJson(writer, in row);
        }

        writer.WriteEndArray();
        writer.Flush();
    }

    /// <summary>Reads the one object that fills <paramref name="bytes"/>.</summary>
    public static T Read<T>(ReadOnlySpan<byte> bytes)
        where T : IMessageContract<T>
    {
        var reader = new Utf8JsonReader(bytes);
        try
        {
            reader.Read(); // throws for an empty message, as for any that is not JSON
            var value = T.Serializer.ReadJson(ref reader);
            JsonValues.TakeLacksTimestamp();
            EnsureEnd<T>(ref reader);
            return value;
        }
        catch (JsonException exception)
        {
            throw MessageFormatException.Create(T.Serializer.Schema, -1, reader.BytesConsumed, exception);
        }
    }

    /// <summary>
    /// Reads a message of rows: an array of objects, or one object (one row). Appends them to <paramref name="rows"/> and
    /// returns how many; the index in <paramref name="rows"/> of each whose object had no timestamp goes to <paramref name="untimed"/>.
    /// </summary>
    public static int ReadRows<T>(ReadOnlySpan<byte> bytes, List<T> rows, List<int>? untimed = null)
        where T : IMessageContract<T>
    {
        var reader = new Utf8JsonReader(bytes);
        var start = rows.Count;
        try
        {
            reader.Read(); // throws for an empty message, as for any that is not JSON
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                Add(ref reader, rows, untimed);
            }
            else if (JsonValues.StartArray(ref reader))
            {
                while (JsonValues.NextElement(ref reader))
                {
                    Add(ref reader, rows, untimed);
                }
            }
            else
            {
                throw JsonValues.Unexpected(ref reader, "an object or an array of objects");
            }

            EnsureEnd<T>(ref reader);
            return rows.Count - start;
        }
        catch (JsonException exception)
        {
            throw MessageFormatException.Create(T.Serializer.Schema, -1, reader.BytesConsumed, exception);
        }
    }

    private static void Add<T>(ref Utf8JsonReader reader, List<T> rows, List<int>? untimed)
        where T : IMessageContract<T>
    {
        rows.Add(T.Serializer.ReadJson(ref reader));
        if (JsonValues.TakeLacksTimestamp())
        {
            untimed?.Add(rows.Count - 1);
        }
    }

    private static Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        if (cached is { } writer)
        {
            writer.Reset(output);
            return writer;
        }

        return cached = new Utf8JsonWriter(output, WriterOptions);
    }

    private static void EnsureEnd<T>(ref Utf8JsonReader reader)
        where T : IMessageContract<T>
    {
        if (reader.Read())
        {
            throw MessageFormatException.TrailingBytes(T.Serializer.Schema, reader.TokenStartIndex, reader.BytesConsumed - reader.TokenStartIndex);
        }
    }
}
