namespace Pipelines;

/// <summary>
/// How a topic's messages are written: the bytes of a row whatever its contract (tags, timestamp, parameters).
/// Set on the contract, <c>[Topic("orders", Format = TopicFormat.Json)]</c>; docs/wire-format.md describes each.
/// </summary>
public enum TopicFormat
{
    /// <summary>
    /// Pipelines' own MessagePack: a row as a map of wire names to values, several rows as one columnar batch, and
    /// stream events, properties and split messages beside them. The default, and the most compact.
    /// </summary>
    MessagePack,

    /// <summary>
    /// Plain JSON, as services, browsers and Quix Streams 3 write it: a row as one object of wire names to values,
    /// several rows as an array of such objects. Messages need no Pipelines header; the stream is the Kafka key.
    /// </summary>
    Json,
}
