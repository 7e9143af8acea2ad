namespace Pipelines.Infrastructure;

/// <summary>
/// The serializer of a merged input: each row goes to the input it came from (<paramref name="inputOf"/>). Its schema
/// names the inputs' contracts and has a timestamp when every one of them has one (so buffers and windows measured in
/// data time see each row's own). Rows are read only through <see cref="IMergedSerializer{T}"/>, which is told the input.
/// </summary>
internal sealed class MergedSerializer<TMerged>(Func<TMerged, int> inputOf, params MergedInput<TMerged>[] inputs) : IMessageSerializer<TMerged>, IMergedSerializer<TMerged>
{
    public MessageSchema Schema { get; } = new(
        string.Join(" | ", inputs.Select(i => i.Schema.Name)),
        topic: null,
        inputs.All(i => i.Schema.Timestamp is not null) ? [inputs[0].Schema.Timestamp!] : []);

    public byte[]? StreamKey(in TMerged value) => inputs[inputOf(value)].StreamKey(value);

    public long? TimestampOf(in TMerged value) => inputs[inputOf(value)].TimestampOf(value);

    public TMerged WithTimestamp(in TMerged value, long nanoseconds) => inputs[inputOf(value)].WithTimestamp(value, nanoseconds);

    public void Write(ref MessageWriter writer, in TMerged value) => inputs[inputOf(value)].Write(ref writer, value);

    /// <summary>Writes rows of one input (as a message's rows always are) packed with its contract.</summary>
    public void WritePacked(ref MessageWriter writer, ReadOnlySpan<TMerged> rows)
    {
        if (rows.Length > 0)
        {
            inputs[inputOf(rows[0])].WritePacked(ref writer, rows);
        }
    }

    public TMerged Read(ref MessageReader reader) => throw Unreadable();

    public void WriteJson(System.Text.Json.Utf8JsonWriter writer, in TMerged value) => inputs[inputOf(value)].WriteJson(writer, value);

    public TMerged ReadJson(ref System.Text.Json.Utf8JsonReader reader) => throw Unreadable();

    public void WriteAvro(ref AvroWriter writer, in TMerged value) => inputs[inputOf(value)].WriteAvro(ref writer, value);

    public TMerged ReadAvro(ref AvroReader reader) => throw Unreadable();

    public void WriteColumns(IColumnWriter writer, in TMerged value) => inputs[inputOf(value)].WriteColumns(writer, value);

    public int ReadPacked(ref MessageReader reader, List<TMerged> rows) => throw Unreadable();

    public int Inputs => inputs.Length;

    public ContractFormat<TMerged> FormatOf(int input, Confluent.SchemaRegistry.ISchemaRegistryClient? registry, Confluent.SchemaRegistry.SubjectNameStrategy subjects) => inputs[input].Format(registry, subjects);

    public MessageSchema SchemaOf(int input) => inputs[input].Schema;

    private NotSupportedException Unreadable() =>
        new($"A row of {Schema.Name} is read with the contract of the topic it came from; the processor's loop does that.");
}
