namespace Pipelines;

/// <summary>
/// Marks a partial class, record or struct as the message contract of a Kafka topic. The generator emits its
/// serializers (MessagePack and JSON), its packed-rows form and its <see cref="MessageSchema"/>.
/// </summary>
/// <param name="name">The Kafka topic name: 1 to 249 characters from <c>[a-zA-Z0-9._-]</c>, not <c>.</c> or <c>..</c>.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class TopicAttribute(string name) : Attribute
{
    /// <summary>The Kafka topic name.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// Whether something outside this assembly's processors writes or reads the topic (a device gateway, another
    /// service, a hand-written producer). The topology analyzer (PIPE011) then does not report it as a loose end.
    /// </summary>
    public bool External { get; init; }

    /// <summary>
    /// How processors writing this topic compress it (<see cref="Pipelines.Compression.Lz4"/> when not set). A
    /// processor's own <c>Compression</c> configuration overrides it.
    /// </summary>
    public Compression Compression { get; init; }

    /// <summary>
    /// How the topic's messages are written and read (<see cref="TopicFormat.MessagePack"/> when not set): what every
    /// processor, table and <c>TopicWriter</c> of this contract writes to the topic and expects from it. Checked at
    /// compile time: a member type a format cannot carry is reported there.
    /// </summary>
    public TopicFormat Format { get; init; }

    /// <summary>
    /// How the contract's JSON form writes times (<see cref="Pipelines.JsonTimes.Iso8601"/> when not set): on a
    /// <see cref="TopicFormat.Json"/> or <see cref="TopicFormat.JsonSchema"/> topic. Other formats have one form of time.
    /// </summary>
    public JsonTimes JsonTimes { get; init; }
}
