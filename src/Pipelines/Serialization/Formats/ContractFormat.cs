using System.Buffers;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>
/// A contract's rows in the format of its topic (<see cref="TopicAttribute.Format"/>): what a processor, a table and a
/// <see cref="Publishing.TopicWriter{T}"/> write and read. The formats that need a Schema Registry hold its client, and
/// talk to it when they are prepared (a processor does that before its first row) so that writing never waits for it.
/// </summary>
/// <typeparam name="T">The row: a contract, or a merged input's row.</typeparam>
internal abstract class ContractFormat<T>
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? sizing;

    /// <summary>The contract's schema.</summary>
    public abstract MessageSchema Schema { get; }

    /// <summary>Whether several rows may go in one message; a format that cannot pack writes a message per row.</summary>
    public virtual bool PacksRows => true;

    /// <summary>Writes one row, as a message of <paramref name="topic"/>, to <paramref name="output"/>.</summary>
    public abstract void Write(IBufferWriter<byte> output, in T row, string topic);

    /// <summary>Writes several rows as one message of <paramref name="topic"/>; only if <see cref="PacksRows"/>.</summary>
    public virtual void WritePacked(IBufferWriter<byte> output, ReadOnlySpan<T> rows, string topic) =>
        throw new NotSupportedException($"{Schema.Name}'s topic format ({Schema.Format}) holds one row per message.");

    /// <summary>
    /// Reads the rows of one message that fills <paramref name="data"/> (of <paramref name="type"/> by its headers), appends
    /// them to <paramref name="rows"/> and returns how many; the indexes of rows that carried no time of their own go to
    /// <paramref name="untimed"/> (their message's Kafka timestamp is theirs). Nothing is appended if the message is invalid.
    /// </summary>
    /// <exception cref="MessageFormatException">The message is not rows of the contract.</exception>
    /// <exception cref="SchemaRegistryUnavailableException">Reading needs a writer schema the registry did not give.</exception>
    public abstract int Read(ReadOnlySpan<byte> data, MessageType type, List<T> rows, List<int>? untimed);

    /// <summary>How many bytes <paramref name="row"/> takes as a message of <paramref name="topic"/>: a buffer's size rule estimates with it.</summary>
    public int SizeOf(in T row, string topic)
    {
        var output = sizing ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        Write(output, row, topic);
        return output.WrittenCount;
    }

    /// <summary>The Schema Registry subject of <paramref name="topic"/>'s rows; <see langword="null"/> for a format without a registry.</summary>
    public virtual string? SubjectOf(string topic) => null;

    /// <summary>Registers the contract's schema for <paramref name="topic"/> now, in one call (a registry format); later writes use its id.</summary>
    /// <exception cref="Confluent.SchemaRegistry.SchemaRegistryException">The registry refused the schema.</exception>
    public virtual void Register(string topic)
    {
    }

    /// <summary>
    /// Readies writing <paramref name="topic"/>: a registry format registers the contract's schema under the topic's
    /// subject, waiting out a registry that does not answer (<see cref="RegistryCalls"/>).
    /// </summary>
    /// <exception cref="SchemaIncompatibleException">The registry refused the schema.</exception>
    public virtual Task PrepareToWriteAsync(string topic, string caller, ILogger logger, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Readies reading <paramref name="topic"/>: a registry format checks that the contract reads the subject's latest schema.</summary>
    /// <exception cref="SchemaIncompatibleException">The contract cannot read what writers of the topic write now.</exception>
    public virtual Task PrepareToReadAsync(string topic, string caller, ILogger logger, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Finds a contract's <see cref="ContractFormat{T}"/>.</summary>
internal static class ContractFormat
{
    /// <summary>
    /// The format of <typeparamref name="T"/>'s topic; <paramref name="registry"/> is needed for Avro and JSON Schema
    /// (a host gives its own, <c>Pipelines:SchemaRegistry</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The format needs a registry and none is given, or the contract has no schema in it.</exception>
    /// <param name="registry">The registry, for Avro and JSON Schema.</param>
    /// <param name="subjects">How those name a topic's subject (Confluent's topic name strategy, <c>&lt;topic&gt;-value</c>, by default).</param>
    public static ContractFormat<T> Of<T>(ISchemaRegistryClient? registry, SubjectNameStrategy subjects = SubjectNameStrategy.Topic)
        where T : IMessageContract<T>
    {
        var schema = T.Serializer.Schema;
        return schema.Format switch
        {
            TopicFormat.Json => new JsonFormat<T>(),
            TopicFormat.Avro => new AvroFormat<T>(registry ?? throw NoRegistry(schema), subjects),
            TopicFormat.JsonSchema => new JsonSchemaFormat<T>(registry ?? throw NoRegistry(schema), subjects),
            _ => new MessagePackFormat<T>(),
        };
    }

    /// <summary>The format of each input of a processor reading <typeparamref name="T"/>: one, or one per topic of a merged input.</summary>
    public static ContractFormat<T>[] OfInputs<T>(ISchemaRegistryClient? registry, SubjectNameStrategy subjects = SubjectNameStrategy.Topic)
        where T : IMessageContract<T> =>
        T.Serializer is IMergedSerializer<T> merged
            ? Enumerable.Range(0, merged.Inputs).Select(input => merged.FormatOf(input, registry, subjects)).ToArray()
            : [Of<T>(registry, subjects)];

    /// <summary>Whether <paramref name="schema"/>'s format needs a Schema Registry.</summary>
    public static bool NeedsRegistry(MessageSchema schema) => schema.Format is TopicFormat.Avro or TopicFormat.JsonSchema;

    /// <summary>The contract's schema of each input of a processor reading <typeparamref name="T"/>.</summary>
    public static IEnumerable<MessageSchema> InputSchemas<T>()
        where T : IMessageContract<T> =>
        T.Serializer is IMergedSerializer<T> merged ? Enumerable.Range(0, merged.Inputs).Select(merged.SchemaOf) : [T.Serializer.Schema];

    private static InvalidOperationException NoRegistry(MessageSchema schema) => new(
        $"{schema.Name} is written as {schema.Format} through a Schema Registry, and no registry client was given: in a host set Pipelines:SchemaRegistry:Url " +
        "(the embedded broker brings its own), else ProcessorOptions.SchemaRegistry or TopicWriterOptions.SchemaRegistry.");
}
