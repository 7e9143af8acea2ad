using System.Buffers;
using Confluent.SchemaRegistry;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>
/// A row as JSON in Confluent's wire format for JSON Schema, one per message (the registered schema describes one
/// object). Writing registers the contract's derived JSON Schema under the topic's subject once per topic; reading skips
/// the header and reads the JSON leniently, as a JSON topic's reader does, so it needs no writer schema.
/// </summary>
internal sealed class JsonSchemaFormat<T>(ISchemaRegistryClient registry, SubjectNameStrategy subjects = SubjectNameStrategy.Topic) : RegistryFormat<T>(registry, subjects)
    where T : IMessageContract<T>
{
    protected override Schema Registered { get; } = new(T.Serializer.Schema.JsonSchema, SchemaType.Json);

    // The schema's title, the contract's full name, as Confluent's JSON serializer takes it.
    protected override string RecordName => Schema.Name;

    public override void Write(IBufferWriter<byte> output, in T row, string topic)
    {
        WriteHeader(output, topic);
        JsonMessages.Write(output, row);
    }

    public override int Read(ReadOnlySpan<byte> data, MessageType type, List<T> rows, List<int>? untimed)
    {
        ConfluentWireFormat.SchemaIdOf(data, false, Schema);
        return JsonMessages.ReadRows(data[ConfluentWireFormat.HeaderLength..], rows, untimed);
    }
}
