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
                    One(text, $"line {line}", rows, errors, maxRows, now);
                }
            }
        }
        else
        {
            var start = body.TrimStart(" \t\r\n"u8);
            if (!start.IsEmpty && start[0] == (byte)'[')
            {
                Array(body, rows, errors, maxRows, now);
            }
            else
            {
                One(body, string.Empty, rows, errors, maxRows, now);
            }
        }

        if (rows.Count == 0 && errors.Count == 0)
        {
            errors["body"] = ["holds no rows"];
        }

        return (rows, errors);
    }

    private static void Array(ReadOnlySpan<byte> body, List<T> rows, Dictionary<string, string[]> errors, int maxRows, long now)
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
                One(body[start..(int)reader.BytesConsumed], $"[{index}]", rows, errors, maxRows, now);
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

    private static void One(ReadOnlySpan<byte> json, string where, List<T> rows, Dictionary<string, string[]> errors, int maxRows, long now)
    {
        if (rows.Count + errors.Count >= maxRows)
        {
            throw new TooManyRowsException(maxRows);
        }

        var untimed = new List<int>(0);
        var before = rows.Count;
        try
        {
            var trimmed = json.TrimStart(" \t\r\n"u8);
            if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
            {
                errors[where.Length == 0 ? "body" : where] = ["is not an object of the contract's fields"];
                return;
            }

            JsonMessages.ReadRows(json, rows, untimed);
        }
        catch (MessageFormatException bad)
        {
            var field = bad.Field is null ? where : where.Length == 0 ? bad.Field : $"{where}.{bad.Field}";
            errors[field.Length == 0 ? "body" : field] = [bad.Reason];
            return;
        }

        if (untimed.Count > 0 && T.Serializer.Schema.Timestamp is not null)
        {
            rows[before] = T.Serializer.WithTimestamp(rows[before], now);
        }
    }

    /// <summary>The text of a row's stream key, for <see cref="StreamWriterOptions.AllowStream"/>.</summary>
    public static string StreamKeyOf(T row) => T.Serializer.StreamKey(row) is { } key ? Encoding.UTF8.GetString(key) : string.Empty;
}

/// <summary>A request carries more rows than <see cref="StreamWriterOptions.MaxRowsPerRequest"/>.</summary>
internal sealed class TooManyRowsException(int limit) : Exception($"A request may carry at most {limit} rows.")
{
    public int Limit { get; } = limit;
}
