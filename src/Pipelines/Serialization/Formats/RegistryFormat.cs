using System.Buffers;
using System.Collections.Concurrent;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Infrastructure;

/// <summary>
/// A format in Confluent's Schema Registry wire format (Avro, JSON Schema): one row per message behind a header with
/// the writer schema's id. The contract's schema is registered under the topic's subject once per topic and its id
/// kept, so writing a row never calls the registry once the format is prepared.
/// </summary>
internal abstract class RegistryFormat<T>(ISchemaRegistryClient registry, SubjectNameStrategy subjects) : ContractFormat<T>
    where T : IMessageContract<T>
{
    private readonly ConcurrentDictionary<string, int> ids = new(StringComparer.Ordinal);

    protected ISchemaRegistryClient Registry => registry;

    public override MessageSchema Schema => T.Serializer.Schema;

    public override bool PacksRows => false;

    /// <summary>The contract's schema as this format registers it.</summary>
    protected abstract Schema Registered { get; }

    /// <summary>The record's name the record strategies name a subject by, as Confluent's serializer of this format takes it.</summary>
    protected abstract string RecordName { get; }

    /// <summary>The subject by the strategy.</summary>
    public override string SubjectOf(string topic) => ConfluentWireFormat.SubjectOf(topic, subjects, RecordName);

    /// <summary>The id of the contract's schema under <paramref name="topic"/>'s subject: registered on first use unless prepared.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused the schema.</exception>
    public int IdFor(string topic) =>
        ids.TryGetValue(topic, out var id) ? id : ids.GetOrAdd(topic, registry.RegisterSchemaAsync(SubjectOf(topic), Registered).GetAwaiter().GetResult());

    public override void Register(string topic) => IdFor(topic);

    public override async Task PrepareToWriteAsync(string topic, string caller, ILogger logger, CancellationToken cancellationToken)
    {
        var subject = SubjectOf(topic);
        try
        {
            var id = await RegistryCalls.UntilAnsweredAsync(() => registry.RegisterSchemaAsync(subject, Registered), $"registering {Schema.Name} under {subject}", caller, logger, cancellationToken);
            ids[topic] = id;
            Log.SchemaRegistered(logger, caller, Schema.Name, subject, id);
        }
        catch (SchemaRegistryException refused) when (refused.Status == System.Net.HttpStatusCode.Conflict || refused.ErrorCode is 409 or 42201)
        {
            throw await RefusedAsync(subject, refused, caller, logger, cancellationToken);
        }
    }

    /// <summary>Writes the header of <paramref name="topic"/>'s schema id.</summary>
    protected void WriteHeader(IBufferWriter<byte> output, string topic) => ConfluentWireFormat.WriteHeader(output, IdFor(topic));

    /// <summary>What to say of a schema the registry refused to register: its message, and whatever the format can add.</summary>
    protected virtual Task<SchemaIncompatibleException> RefusedAsync(string subject, SchemaRegistryException refused, string caller, ILogger logger, CancellationToken cancellationToken) =>
        Task.FromResult(new SchemaIncompatibleException(subject, $"{caller}: the Schema Registry refused {Schema.Name}'s {Schema.Format} schema under subject '{subject}' ({refused.Message}).", refused));
}
