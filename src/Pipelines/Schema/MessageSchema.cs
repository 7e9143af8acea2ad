using System.ComponentModel;
using System.Text;

namespace Pipelines.Infrastructure;

/// <summary>
/// The run-time description of a message contract: its topic, its fields and a fingerprint that changes when
/// (and only when) a field's wire name, kind or wire type does. The runtime sends the fingerprint in message
/// headers so that a consumer can tell a compatible producer from an incompatible one.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MessageSchema
{
    /// <summary>Creates a schema; the generator calls this once per contract.</summary>
    public MessageSchema(string name, string? topic, IReadOnlyList<FieldSchema> fields, TopicFormat format = TopicFormat.MessagePack, string? avroSchema = null, string? jsonSchema = null)
    {
        JsonSchema = jsonSchema;
        Name = name;
        Topic = topic;
        Fields = fields;
        Format = format;
        AvroSchema = avroSchema;
        Fingerprint = ComputeFingerprint(fields);
        var media = format switch
        {
            TopicFormat.Json => "application/json",
            TopicFormat.Avro => "application/vnd.confluent.avro",
            TopicFormat.JsonSchema => "application/vnd.confluent.jsonschema+json",
            _ => "application/msgpack",
        };
        ContentType = $"{media}; schema=\"{name}\"; fingerprint={Fingerprint}";
    }

    /// <summary>
    /// The contract's Avro schema, derived at compile time (docs/wire-format.md, "Avro schema"), as JSON; <see langword="null"/>
    /// when a wire name or type name in it is not an Avro name (<c>[A-Za-z_][A-Za-z0-9_]*</c>).
    /// </summary>
    public string? AvroSchema { get; }

    /// <summary>
    /// The JSON Schema (draft-07) of the contract's JSON form, derived at compile time (docs/wire-format.md, "JSON
    /// Schema"); <see langword="null"/> for a schema built by hand.
    /// </summary>
    public string? JsonSchema { get; }

    /// <summary>How the topic's messages are written (<see cref="TopicAttribute.Format"/>).</summary>
    public TopicFormat Format { get; }

    /// <summary>The contract's full C# name.</summary>
    public string Name { get; }

    /// <summary>The topic from <see cref="TopicAttribute"/>, or <see langword="null"/> for a <see cref="MessageContractAttribute"/> type.</summary>
    public string? Topic { get; }

    /// <summary>The fields in declaration order, which is also the order in which they are written.</summary>
    public IReadOnlyList<FieldSchema> Fields { get; }

    /// <summary>16 hex digits: FNV-1a 64 over the fields' names, kinds and wire types, sorted by name.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// The <c>content-type</c> header of messages of this schema: the format with the schema's name and
    /// fingerprint as parameters, e.g. <c>application/msgpack; schema="Telemetry.CarTelemetry"; fingerprint=9c1d2e3f4a5b6c7d</c>.
    /// One header rather than three: every header costs the producer and every consumer of every message.
    /// </summary>
    public string ContentType { get; }

    /// <summary>The timestamp field, if the contract has one.</summary>
    public FieldSchema? Timestamp => Fields.FirstOrDefault(f => f.Kind == FieldKind.Timestamp);

    /// <summary>The tag fields, in declaration order.</summary>
    public IEnumerable<FieldSchema> Tags => Fields.Where(f => f.Kind == FieldKind.Tag);

    /// <summary>The field with wire name <paramref name="name"/>, or <see langword="null"/>.</summary>
    public FieldSchema? Find(string name) => Fields.FirstOrDefault(f => f.Name == name);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Fingerprint})";

    internal static string ComputeFingerprint(IEnumerable<FieldSchema> fields)
    {
        // Sorted by name so that reordering members, which does not change what readers accept, keeps the fingerprint.
        var canonical = new StringBuilder();
        foreach (var field in fields.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            canonical.Append(field.Name).Append('\u001f').Append(field.Kind).Append('\u001f').Append(field.WireType).Append('\u001e');
        }

        const ulong offsetBasis = 14695981039346656037;
        const ulong prime = 1099511628211;
        var hash = offsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(canonical.ToString()))
        {
            hash = (hash ^ b) * prime;
        }

        return hash.ToString("x16");
    }
}
