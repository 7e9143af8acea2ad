namespace Pipelines.Sinks;

/// <summary>Where a <see cref="ParquetSink{T}"/> writes its files.</summary>
public sealed record ParquetSinkOptions
{
    /// <summary>The directory the files go in; created if missing.</summary>
    public required string Directory { get; init; }

    /// <summary>What every file's name starts with (<c>&lt;prefix&gt;-&lt;UTC time&gt;-&lt;sequence&gt;.parquet</c>); the topic's name when not set.</summary>
    public string? Prefix { get; init; }
}
