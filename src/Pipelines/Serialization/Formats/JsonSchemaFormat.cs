using System.Buffers;
using System.Collections.Concurrent;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>
/// A row as JSON in Confluent's wire format for JSON Schema, one per message (the registered schema describes one
/// object). Writing registers the contract's derived JSON Schema under the topic's subject once per topic; reading skips
/// the header and reads the JSON leniently, as a JSON topic's reader does, so it needs no writer schema.
/// </summary>
internal sealed class JsonSchemaFormat<T>(ISchemaRegistryClient registry, SubjectNameStrategy subjects = SubjectNameStrategy.Topic) : ContractFormat<T>
    where T : IMessageContract<T>
{
    private readonly ConcurrentDictionary<string, int> ids = new(StringComparer.Ordinal);

    public override MessageSchema Schema => T.Serializer.Schema;

    public override bool PacksRows => false;

    public override void Write(IBufferWriter<byte> output, in T row, string topic)
    {
        ConfluentWireFormat.WriteHeader(output, IdFor(topic));
        JsonMessages.Write(output, row);
    }

    public override int Read(ReadOnlySpan<byte> data, MessageType type, List<T> rows, List<int>? untimed)
    {
        ConfluentWireFormat.SchemaIdOf(data, false, Schema);
        return JsonMessages.ReadRows(data[ConfluentWireFormat.HeaderLength..], rows, untimed);
    }

    /// <summary>The id of the contract's schema under <paramref name="topic"/>'s subject: registered on first use unless prepared.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused the schema.</exception>
    public int IdFor(string topic) =>
        ids.GetOrAdd(topic, t => registry.RegisterSchemaAsync(SubjectOf(t), Registered()).GetAwaiter().GetResult());

    /// <summary>The subject by the strategy: the record's name is the schema's title, the contract's full name, as Confluent's JSON serializer takes it.</summary>
    public override string SubjectOf(string topic) => ConfluentWireFormat.SubjectOf(topic, subjects, Schema.Name);

    public override void Register(string topic) => IdFor(topic);

    public override async Task PrepareToWriteAsync(string topic, string caller, ILogger logger, CancellationToken cancellationToken)
    {
        var subject = SubjectOf(topic);
        try
        {
            var id = await RegistryCalls.UntilAnsweredAsync(() => registry.RegisterSchemaAsync(subject, Registered()), $"registering {Schema.Name} under {subject}", caller, logger, cancellationToken);
            ids[topic] = id;
            Log.SchemaRegistered(logger, caller, Schema.Name, subject, id);
        }
        catch (SchemaRegistryException refused) when (refused.Status == System.Net.HttpStatusCode.Conflict || refused.ErrorCode is 409 or 42201)
        {
            throw new SchemaIncompatibleException(subject, $"{caller}: the Schema Registry refused {Schema.Name}'s JSON Schema under subject '{subject}' ({refused.Message}).", refused);
        }
    }

    private Schema Registered() => new(Schema.JsonSchema, SchemaType.Json);
}
