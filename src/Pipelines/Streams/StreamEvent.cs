namespace Pipelines;

/// <summary>
/// Something that happened in a stream at a point in time, beside its parameter rows: "pit stop", "lap completed".
/// Written to a topic with the stream's key and read by processors that handle events (a <c>Handle(StreamEvent)</c>
/// method); the message type travels in the <c>pipelines.type: event</c> header, so rows and events share a topic.
/// </summary>
public sealed record StreamEvent
{
    /// <summary>When it happened: nanoseconds since the Unix epoch, the time axis rows use.</summary>
    public long Timestamp { get; init; }

    /// <summary>What happened, e.g. <c>lap-completed</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Its value, free text (often JSON), or <see langword="null"/>.</summary>
    public string? Value { get; init; }

    /// <summary>Extra labels.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyTags;

    /// <summary><see cref="Timestamp"/> as a UTC time.</summary>
    public DateTime Time => UnixNanoseconds.ToDateTime(Timestamp);

    internal static readonly IReadOnlyDictionary<string, string> EmptyTags = new Dictionary<string, string>();
}
