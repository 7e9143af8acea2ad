using Avro;

namespace Pipelines.Kafka.Embedded.SchemaRegistry;

/// <summary>A schema the registry holds: its id, its text as registered, its type and, for Avro, the parsed schema.</summary>
internal sealed record StoredSchema(int Id, string Text, string Type, string Canonical, Schema? Avro)
{
    /// <summary>Its version under the subject it is read through (0 outside one).</summary>
    public int Version { get; init; }

    /// <summary>Parses <paramref name="text"/> as a schema of <paramref name="type"/> (AVRO when not given), or refuses it as the registry does.</summary>
    public static StoredSchema Parse(string text, string? type)
    {
        type = string.IsNullOrEmpty(type) ? "AVRO" : type.ToUpperInvariant();
        switch (type)
        {
            case "AVRO":
                try
                {
                    var avro = Schema.Parse(text);
                    return new StoredSchema(0, text, type, avro.ToString(), avro);
                }
                catch (Exception exception) when (exception is AvroException or Newtonsoft.Json.JsonException)
                {
                    throw RegistryError.InvalidSchema(exception.Message);
                }

            case "JSON":
                try
                {
                    using var document = System.Text.Json.JsonDocument.Parse(text);
                    return new StoredSchema(0, text, type, System.Text.Json.JsonSerializer.Serialize(document.RootElement), null);
                }
                catch (System.Text.Json.JsonException exception)
                {
                    throw RegistryError.InvalidSchema(exception.Message);
                }

            default:
                throw RegistryError.InvalidSchema($"schema type {type} is not supported by the embedded registry (AVRO and JSON are)");
        }
    }
}
