using System.Text.Json;

namespace Pipelines.Sources;

/// <summary>Values a file holds as text that the JSON form takes as they are.</summary>
internal static class JsonCells
{
    /// <summary>A collection or nested contract, held as the JSON its contract's JSON form wrote: copied in, if it is JSON.</summary>
    public static void WriteDocument(Utf8JsonWriter json, string text, string field, RowFile file)
    {
        try
        {
            json.WriteRawValue(text);
        }
        catch (Exception invalid) when (invalid is JsonException or ArgumentException)
        {
            throw new ReplayRowException(file.Location, $"field '{field}' holds text that is not JSON ({invalid.Message})", invalid);
        }
    }
}
