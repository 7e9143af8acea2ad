namespace Pipelines;

/// <summary>
/// Marks a partial class, record or struct as a message contract that is not bound to a topic: a type nested
/// inside another contract, or one whose topic is chosen at run time. It is serialized exactly like a
/// <see cref="TopicAttribute"/> type.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class MessageContractAttribute : Attribute
{
    /// <summary>How the contract's JSON form writes times, when it is nested in a contract of a JSON topic (ISO-8601 when not set).</summary>
    public JsonTimes JsonTimes { get; init; }
}
