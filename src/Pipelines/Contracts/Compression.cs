namespace Pipelines;

/// <summary>
/// How a topic's messages are compressed on the wire: Kafka compresses each batch of records a producer sends, so
/// even small single-row messages shrink when many travel together. Consumers decompress whatever they receive.
/// </summary>
public enum Compression
{
    /// <summary>No compression.</summary>
    None,

    /// <summary>gzip: small output, the slowest to compress (Quix Streams' default).</summary>
    Gzip,

    /// <summary>Snappy: fast, larger output.</summary>
    Snappy,

    /// <summary>LZ4: fast, and Pipelines' default (BENCHMARKS.md has the measurements).</summary>
    Lz4,

    /// <summary>Zstandard: the smallest output at moderate cost; needs Kafka 2.1 or later.</summary>
    Zstd,
}
