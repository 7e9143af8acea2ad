using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Pipelines.Http;

/// <summary>Puts each stream endpoint's bodies in the OpenAPI document: the contract's own JSON Schema, and those of events and properties.</summary>
public static class StreamOpenApi
{
    private const string Event = """
        {"type": "object", "required": ["id"], "properties": {
          "id": {"type": "string", "description": "What happened, e.g. lap"},
          "value": {"type": ["string", "null"]},
          "timestamp": {"anyOf": [{"type": "integer", "description": "nanoseconds since the Unix epoch"}, {"type": "string", "format": "date-time"}], "description": "now when left out"},
          "tags": {"type": "object", "additionalProperties": {"type": "string"}}}}
        """;

    private const string Properties = """
        {"type": "object", "properties": {
          "name": {"type": ["string", "null"]},
          "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
          "parents": {"type": "array", "items": {"type": "string"}}}}
        """;

    /// <summary>
    /// Describes the bodies of the endpoints <c>MapStreamWriter</c> and <c>MapStreamReader</c> map: rows by their
    /// contract's JSON Schema (one, an array, or newline-delimited), events and stream properties by theirs, the feed as
    /// <c>text/event-stream</c>.
    /// </summary>
    public static OpenApiOptions AddStreamSchemas(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<StreamEndpointMetadata>().FirstOrDefault() is { } stream)
            {
                Describe(operation, stream);
            }

            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiOperation operation, StreamEndpointMetadata stream)
    {
        var row = Schema(stream.Schema.JsonSchema ?? """{"type": "object"}""");
        switch (stream.Kind)
        {
            case StreamEndpointKind.Rows:
                Body(operation, $"Rows of {stream.Schema.Name}: one, an array of them, or one per line (application/x-ndjson).", new()
                {
                    ["application/json"] = new OpenApiMediaType { Schema = OneOrMany(row) },
                    ["application/x-ndjson"] = new OpenApiMediaType { Schema = row },
                });
                break;
            case StreamEndpointKind.Events:
                Body(operation, "Events of the stream: one or an array of them.", new() { ["application/json"] = new OpenApiMediaType { Schema = OneOrMany(Schema(Event)) } });
                break;
            case StreamEndpointKind.Properties:
                Body(operation, "The stream's properties.", new() { ["application/json"] = new OpenApiMediaType { Schema = Schema(Properties) } });
                break;
            case StreamEndpointKind.Feed when operation.Responses?.TryGetValue("200", out var ok) is true && ok is OpenApiResponse response:
                response.Description = $"Server-Sent Events: 'rows' ({{\"stream\": key, \"rows\": [{stream.Schema.Name} as JSON]}}), 'event', 'properties', 'end', and a final 'dropped' for a client too slow to keep up; each id is the position to resume from (Last-Event-ID).";
                response.Content = new Dictionary<string, OpenApiMediaType> { ["text/event-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } };
                break;
        }
    }

    private static void Body(OpenApiOperation operation, string description, Dictionary<string, OpenApiMediaType> content) =>
        operation.RequestBody = new OpenApiRequestBody { Required = true, Description = description, Content = content };

    private static OpenApiSchema OneOrMany(IOpenApiSchema one) =>
        new() { AnyOf = [one, new OpenApiSchema { Type = JsonSchemaType.Array, Items = one }] };

    private static IOpenApiSchema Schema(string json)
    {
        // The contract's schema is JSON Schema; OpenAPI 3.1's schema object is JSON Schema too, so it is read as it is.
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("$schema");
        return OpenApiModelFactory.Parse<OpenApiSchema>(node.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, new OpenApiDocument(), out _, "json")
            ?? throw new InvalidOperationException("A stream schema could not be read as an OpenAPI schema.");
    }
}
