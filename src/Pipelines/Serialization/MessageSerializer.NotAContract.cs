using System.Buffers;
using System.ComponentModel;
using Pipelines.Infrastructure;

// These overloads exist only to be bound to when the real one does not apply; the backcompat rule about optional
// parameters (fewer parameters than another overload) is about overloads meant to be called.
#pragma warning disable RS0027

namespace Pipelines;

/// <summary>
/// What a call binds to when its type argument is not a message contract: a compile-time error that says what to add,
/// instead of a CS0311 about <see cref="IMessageContract{T}"/> that names neither the attribute nor the generator. Each
/// overload takes one more optional parameter than its real twin, so the compiler prefers the twin whenever the type
/// argument satisfies its constraint and falls back here only when it does not.
/// </summary>
public static partial class MessageSerializer
{
    internal const string NotAContract =
        "The type argument is not a message contract. Mark it [Topic(\"name\")] (or [MessageContract] for a type nested in another contract), " +
        "make it partial and mark its members [Timestamp], [Tag] or [Parameter]. If it already is, the Pipelines source generator is not running on its " +
        "project: reference the Pipelines package, or beside a ProjectReference to src/Pipelines reference generators/Pipelines.Generators with " +
        "OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" (README, \"Referencing Pipelines\").";

    /// <summary>Never called: binding to it is a compile-time error that says why <typeparamref name="T"/> is not a contract.</summary>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IMessageSerializer<T> For<T>(NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static MessageSchema SchemaOf<T>(NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Serialize<T>(IBufferWriter<byte> output, T value, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static byte[] Serialize<T>(T value, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SerializePacked<T>(IBufferWriter<byte> output, ReadOnlySpan<T> rows, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static byte[] SerializePacked<T>(IReadOnlyList<T> rows, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static byte[] SerializePacked<T>(ReadOnlySpan<T> rows, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static T Deserialize<T>(ReadOnlySpan<byte> bytes, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static T Deserialize<T>(in ReadOnlySequence<byte> bytes, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static int DeserializePacked<T>(ReadOnlySpan<byte> bytes, List<T> rows, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static int DeserializePacked<T>(ReadOnlyMemory<byte> bytes, List<T> rows, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <inheritdoc cref="For{T}(NotAMessageContract)"/>
    [Obsolete(NotAContract, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static int DeserializePacked<T>(in ReadOnlySequence<byte> bytes, List<T> rows, NotAMessageContract? notAMessageContract = null) => throw new InvalidOperationException(NotAContract);

    /// <summary>Only names the parameter that makes the real overloads the better ones.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class NotAMessageContract
    {
        private NotAMessageContract()
        {
        }
    }
}
