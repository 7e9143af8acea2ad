using System.Buffers;
using System.Text;
using System.Text.Json;
using Pipelines.Infrastructure;

namespace Pipelines.Http;

/// <summary>
/// A request body read as rows of <typeparamref name="T"/> through the contract's JSON form: one object, an array of
/// objects, or newline-delimited objects. Every row is read, so every bad field of every row is named, keyed as
/// ASP.NET Core's validation problems are (<c>[2].Speed</c>, or <c>line 3.Speed</c> for newline-delimited JSON).
/// </summary>
internal static class RequestRows<T>
    where T : IMessageContract<T>
{
    /// <summary>The rows, or the errors by field; a row without a timestamp takes <paramref name="now"/> (nanoseconds), as the Kafka timestamp stands in on a JSON topic.</summary>
    /// <exception cref="TooManyRowsException">The body holds more than <paramref name="maxRows"/> rows.</exception>
    public static (List<T> Rows, Dictionary<string, string[]> Errors) Read(ReadOnlySpan<byte> body, bool delimited, int maxRows, long now)
    {
        var rows = new List<T>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var untimed = new List<int>(1);
        if (delimited)
        {
            var line = 0;
            while (!body.IsEmpty)
            {
                line++;
                var end = body.IndexOf((byte)'\n');
                var text = end < 0 ? body : body[..end];
                body = end < 0 ? [] : body[(end + 1)..];
                if (!text.Trim(" \t\r"u8).IsEmpty)
                {
                    One(text, line, null, rows, untimed, errors, maxRows, now);
                }
            }
        }
        else
        {
            var start = body.TrimStart(" \t\r\n"u8);
            if (!start.IsEmpty && start[0] == (byte)'[')
            {
                Array(body, rows, untimed, errors, maxRows, now);
            }
            else
            {
                One(body, -1, null, rows, untimed, errors, maxRows, now);
            }
        }

        if (rows.Count == 0 && errors.Count == 0)
        {
            errors["body"] = ["holds no rows"];
        }

        return (rows, errors);
    }

    private static void Array(ReadOnlySpan<byte> body, List<T> rows, List<int> untimed, Dictionary<string, string[]> errors, int maxRows, long now)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            reader.Read();
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                One(body[start..(int)reader.BytesConsumed], -1, index, rows, untimed, errors, maxRows, now);
                index++;
            }

            if (reader.Read())
            {
                errors["body"] = [$"holds more after the array, at byte {reader.TokenStartIndex}"];
            }
        }
        catch (JsonException invalid)
        {
            errors["body"] = [$"is not JSON: {invalid.Message}"];
        }
    }

    /// <summary>Reads one row; where it is (a line, an index, or the whole body) is only put in words when it is wrong.</summary>
    private static void One(ReadOnlySpan<byte> json, int line, int? index, List<T> rows, List<int> untimed, Dictionary<string, string[]> errors, int maxRows, long now)
    {
        if (rows.Count + errors.Count >= maxRows)
        {
            throw new TooManyRowsException(maxRows);
        }

        string Where() => line > 0 ? $"line {line}" : index is { } i ? $"[{i}]" : string.Empty;
        untimed.Clear();
        var before = rows.Count;
        try
        {
            var trimmed = json.TrimStart(" \t\r\n"u8);
            if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
            {
                errors[Where() is { Length: > 0 } at ? at : "body"] = ["is not an object of the contract's fields"];
                return;
            }

            JsonMessages.ReadRows(json, rows, untimed);
        }
        catch (MessageFormatException first)
        {
            rows.RemoveRange(before, rows.Count - before);
            var where = Where();
            foreach (var bad in BadFields(json, first))
            {
                var field = bad.Field is null ? where : where.Length == 0 ? bad.Field : $"{where}.{bad.Field}";
                errors[field.Length == 0 ? "body" : field] = [bad.Reason];
            }

            return;
        }

        if (untimed.Count > 0 && T.Serializer.Schema.Timestamp is not null)
        {
            rows[before] = T.Serializer.WithTimestamp(rows[before], now);
        }
    }

    /// <summary>
    /// Every bad field of a row whose reading stopped at <paramref name="first"/>: each of its properties read alone, so
    /// that a client fixes the row in one go. Only a refused row pays for it.
    /// </summary>
    private static List<MessageFormatException> BadFields(ReadOnlySpan<byte> json, MessageFormatException first)
    {
        var bad = new List<MessageFormatException>();
        if (first.Field is null)
        {
            return [first]; // not a field's fault: the object itself
        }

        JsonDocument row;
        try
        {
            row = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException)
        {
            return [first]; // not JSON past the bad field: that field is all there is to name
        }

        using var parsed = row;
        var scratch = new List<T>(1);
        var untimed = new List<int>(1);
        foreach (var property in row.RootElement.EnumerateObject())
        {
            var alone = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(alone))
            {
                writer.WriteStartObject();
                property.WriteTo(writer);
                writer.WriteEndObject();
            }

            try
            {
                JsonMessages.ReadRows(alone.WrittenSpan, scratch, untimed);
            }
            catch (MessageFormatException field)
            {
                bad.Add(field);
            }

            scratch.Clear();
            untimed.Clear();
        }

        return bad.Count > 0 ? bad : [first];
    }

    /// <summary>The text of a row's stream key, for <see cref="StreamWriterOptions.AllowStream"/>.</summary>
    public static string StreamKeyOf(T row) => T.Serializer.StreamKey(row) is { } key ? Encoding.UTF8.GetString(key) : string.Empty;
}

/// <summary>A request carries more rows than <see cref="StreamWriterOptions.MaxRowsPerRequest"/>.</summary>
internal sealed class TooManyRowsException(int limit) : Exception($"A request may carry at most {limit} rows.")
{
    public int Limit { get; } = limit;
}
