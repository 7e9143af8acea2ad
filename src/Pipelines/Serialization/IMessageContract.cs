namespace Pipelines;

/// <summary>
/// Implemented by the generator on every <see cref="TopicAttribute"/> or <see cref="MessageContractAttribute"/>
/// type, so generic code reaches the type's serializer with <c>T.Serializer</c>: no lookup, no reflection.
/// </summary>
public interface IMessageContract<TSelf>
    where TSelf : IMessageContract<TSelf>
{
    /// <summary>The generated serializer of <typeparamref name="TSelf"/>.</summary>
    static abstract IMessageSerializer<TSelf> Serializer { get; }
}
