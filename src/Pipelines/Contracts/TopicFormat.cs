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

    /// <summary>
    /// Avro in Confluent's Schema Registry wire format, as Confluent's <c>AvroSerializer</c> and Kafka Streams' and
    /// Flink's Avro serdes write it: a magic byte 0, the writer schema's registry id, the row in Avro's binary encoding;
    /// one row per message. The contract's schema (<see cref="Infrastructure.MessageSchema.AvroSchema"/>) is registered
    /// under <c>&lt;topic&gt;-value</c>; rows written with other versions are resolved by Avro's rules. Needs a registry.
    /// </summary>
    Avro,

    /// <summary>
    /// JSON in Confluent's Schema Registry wire format for JSON Schema, as Confluent's <c>JsonSerializer</c> writes it: a
    /// magic byte 0, the schema's registry id, the row as one JSON object; one row per message. The contract's JSON
    /// Schema (<see cref="Infrastructure.MessageSchema.JsonSchema"/>) is registered under <c>&lt;topic&gt;-value</c>. Needs a registry.
    /// </summary>
    JsonSchema,
}
