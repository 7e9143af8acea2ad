namespace Pipelines;

/// <summary>
/// What a producer says about a stream (all data sharing a key): a readable name, metadata and the streams it was
/// derived from. Travels as a <c>pipelines.type: stream-properties</c> message under the stream's key; the latest
/// one wins. Processors read it from <see cref="StreamContext.Stream"/>.
/// </summary>
public sealed record StreamProperties
{
    /// <summary>A readable name, e.g. <c>Car 7, qualifying</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Key/value metadata, e.g. <c>driver</c>, <c>session</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = StreamEvent.EmptyTags;

    /// <summary>The keys of the streams this one was derived from.</summary>
    public IReadOnlyList<string> Parents { get; init; } = [];

    /// <summary>No properties set.</summary>
    public static StreamProperties None { get; } = new();
}
