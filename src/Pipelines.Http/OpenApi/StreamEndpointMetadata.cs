using Pipelines.Infrastructure;

namespace Pipelines.Http;

/// <summary>What a mapped stream endpoint takes or serves, for the OpenAPI document (<see cref="StreamOpenApi"/>).</summary>
internal sealed record StreamEndpointMetadata(MessageSchema Schema, StreamEndpointKind Kind);

/// <summary>The kinds of stream endpoint.</summary>
internal enum StreamEndpointKind
{
    Rows,
    Events,
    Properties,
    End,
    Feed,
}
