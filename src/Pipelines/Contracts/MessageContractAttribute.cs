namespace Pipelines;

/// <summary>
/// Marks a partial class, record or struct as a message contract that is not bound to a topic: a type nested
/// inside another contract, or one whose topic is chosen at run time. It is serialized exactly like a
/// <see cref="TopicAttribute"/> type.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class MessageContractAttribute : Attribute;
