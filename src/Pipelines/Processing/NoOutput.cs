using Pipelines.Infrastructure;

namespace Pipelines.Processing;

/// <summary>The output type of a sink: a processor that produces nothing. It is never written or read.</summary>
public sealed class NoOutput : IMessageContract<NoOutput>
{
    private NoOutput()
    {
    }

    /// <inheritdoc/>
    public static IMessageSerializer<NoOutput> Serializer { get; } = new NoSerializer();

    private sealed class NoSerializer : IMessageSerializer<NoOutput>
    {
        public MessageSchema Schema { get; } = new(typeof(NoOutput).FullName!, null, []);

        public byte[]? StreamKey(in NoOutput value) => throw Refuse();

        public long? TimestampOf(in NoOutput value) => throw Refuse();

        public NoOutput WithTimestamp(in NoOutput value, long nanoseconds) => throw Refuse();

        public void Write(ref MessageWriter writer, in NoOutput value) => throw Refuse();

        public NoOutput Read(ref MessageReader reader) => throw Refuse();

        public void WritePacked(ref MessageWriter writer, ReadOnlySpan<NoOutput> rows) => throw Refuse();

        public int ReadPacked(ref MessageReader reader, List<NoOutput> rows) => throw Refuse();

        public void WriteJson(System.Text.Json.Utf8JsonWriter writer, in NoOutput value) => throw Refuse();

        public NoOutput ReadJson(ref System.Text.Json.Utf8JsonReader reader) => throw Refuse();

        public void WriteAvro(ref AvroWriter writer, in NoOutput value) => throw Refuse();

        public NoOutput ReadAvro(ref AvroReader reader) => throw Refuse();

        public void WriteColumns(IColumnWriter writer, in NoOutput value) => throw Refuse();

        private static InvalidOperationException Refuse() => new("A sink produces no messages, so NoOutput is never serialized.");
    }
}
