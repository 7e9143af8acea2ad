using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// A fetched message: as consumed (or joined from chunks), where the reader keeps its raw bytes, and its work (for a
/// joined message, the work that holds every chunk's share).
/// </summary>
internal readonly record struct Fetched(ConsumeResult<byte[]?, RowRange> Result, int Raw, Work Work);
