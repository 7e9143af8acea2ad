using System.Globalization;
using System.Text.Json;

namespace Pipelines.Http;

/// <summary>
/// Request bodies of events and stream properties, read by hand so that each bad field is named as for rows
/// (<c>[1].id</c>): an event is <c>{"id": "lap", "value": "12", "timestamp": …, "tags": {…}}</c> (the timestamp in
/// nanoseconds since the Unix epoch or ISO-8601 text, now when left out), one or an array of them; properties are
/// <c>{"name": …, "metadata": {…}, "parents": […]}</c>.
/// </summary>
internal static class StreamBodies
{
    public static (List<StreamEvent> Events, Dictionary<string, string[]> Errors) ReadEvents(ReadOnlySpan<byte> body, long now)
    {
        var events = new List<StreamEvent>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Parse(body, errors) is not { } document)
        {
            return (events, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            var each = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
            for (var i = 0; i < each.Count; i++)
            {
                var where = root.ValueKind == JsonValueKind.Array ? $"[{i}]" : string.Empty;
                if (Event(each[i], where, now, errors) is { } read)
                {
                    events.Add(read);
                }
            }
        }

        if (events.Count == 0 && errors.Count == 0)
        {
            errors["body"] = ["holds no events"];
        }

        return (events, errors);
    }

    public static (StreamProperties? Properties, Dictionary<string, string[]> Errors) ReadProperties(ReadOnlySpan<byte> body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Parse(body, errors) is not { } document)
        {
            return (null, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["is not an object of name, metadata and parents"];
                return (null, errors);
            }

            var name = Text(root, "name", string.Empty, errors, required: false);
            var metadata = Map(root, "metadata", string.Empty, errors);
            var parents = new List<string>();
            if (root.TryGetProperty("parents", out var list) && list.ValueKind != JsonValueKind.Null)
            {
                if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
                {
                    errors["parents"] = ["is not an array of stream keys (strings)"];
                }
                else
                {
                    parents.AddRange(list.EnumerateArray().Select(p => p.GetString()!));
                }
            }

            return errors.Count > 0 ? (null, errors) : (new StreamProperties { Name = name, Metadata = metadata, Parents = parents }, errors);
        }
    }

    private static JsonDocument? Parse(ReadOnlySpan<byte> body, Dictionary<string, string[]> errors)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException invalid)
        {
            errors["body"] = [$"is not JSON: {invalid.Message}"];
            return null;
        }
    }

    private static StreamEvent? Event(JsonElement element, string where, long now, Dictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[where.Length == 0 ? "body" : where] = ["is not an event object (id, value, timestamp, tags)"];
            return null;
        }

        var before = errors.Count;
        var id = Text(element, "id", where, errors, required: true);
        var value = element.TryGetProperty("value", out var given) ? given.ValueKind switch
        {
            JsonValueKind.String => given.GetString(),
            JsonValueKind.Null => null,
            _ => given.GetRawText(), // a number or an object is kept as its JSON text
        } : null;
        var timestamp = now;
        if (element.TryGetProperty("timestamp", out var time) && time.ValueKind != JsonValueKind.Null)
        {
            if (time.ValueKind == JsonValueKind.Number && time.TryGetInt64(out var nanoseconds))
            {
                timestamp = nanoseconds;
            }
            else if (time.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                timestamp = UnixNanoseconds.FromDateTimeOffset(at);
            }
            else
            {
                errors[Key(where, "timestamp")] = ["is neither nanoseconds since the Unix epoch nor ISO-8601 text"];
            }
        }

        var tags = Map(element, "tags", where, errors);
        return errors.Count > before ? null : new StreamEvent { Id = id!, Value = value, Timestamp = timestamp, Tags = tags };
    }

    private static string? Text(JsonElement element, string name, string where, Dictionary<string, string[]> errors, bool required)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors[Key(where, name)] = ["is required"];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || (required && value.GetString()!.Length == 0))
        {
            errors[Key(where, name)] = [required ? "is not a text that is not empty" : "is not a text"];
            return null;
        }

        return value.GetString();
    }

    private static IReadOnlyDictionary<string, string> Map(JsonElement element, string name, string where, Dictionary<string, string[]> errors)
    {
        if (!element.TryGetProperty(name, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return StreamEvent.EmptyTags;
        }

        if (map.ValueKind != JsonValueKind.Object || map.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            errors[Key(where, name)] = ["is not an object of texts"];
            return StreamEvent.EmptyTags;
        }

        return map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static string Key(string where, string field) => where.Length == 0 ? field : $"{where}.{field}";
}
