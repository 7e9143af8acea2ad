namespace Pipelines.Infrastructure;

/// <summary>
/// One input of a merged input: reads and writes the rows of one contract, wrapped in and out of the merged row
/// <typeparamref name="TMerged"/>. The merged serializer holds one per input and hands each row to the one it came from.
/// </summary>
internal abstract class MergedInput<TMerged>
{
    public abstract MessageSchema Schema { get; }

    public abstract byte[]? StreamKey(in TMerged row);

    public abstract long? TimestampOf(in TMerged row);

    public abstract TMerged WithTimestamp(in TMerged row, long nanoseconds);

    public abstract void Write(ref MessageWriter writer, in TMerged row);

    public abstract void WritePacked(ref MessageWriter writer, ReadOnlySpan<TMerged> rows);

    public abstract void WriteJson(System.Text.Json.Utf8JsonWriter writer, in TMerged row);

    public abstract void WriteAvro(ref AvroWriter writer, in TMerged row);

    public abstract void WriteColumns(IColumnWriter writer, in TMerged row);

    /// <summary>The input's topic format, reading rows wrapped in the merged row.</summary>
    public abstract ContractFormat<TMerged> Format(Confluent.SchemaRegistry.ISchemaRegistryClient? registry, Confluent.SchemaRegistry.SubjectNameStrategy subjects);
}

/// <inheritdoc/>
/// <typeparam name="T">The input's contract.</typeparam>
/// <typeparam name="TMerged">The merged row.</typeparam>
internal sealed class MergedInput<T, TMerged>(Func<T, TMerged> wrap, Func<TMerged, T> unwrap) : MergedInput<TMerged>
    where T : IMessageContract<T>
{
    public override MessageSchema Schema => T.Serializer.Schema;

    public override byte[]? StreamKey(in TMerged row) => T.Serializer.StreamKey(unwrap(row));

    public override long? TimestampOf(in TMerged row) => T.Serializer.TimestampOf(unwrap(row));

    public override TMerged WithTimestamp(in TMerged row, long nanoseconds) => wrap(T.Serializer.WithTimestamp(unwrap(row), nanoseconds));

    public override void Write(ref MessageWriter writer, in TMerged row) => T.Serializer.Write(ref writer, unwrap(row));

    public override void WriteJson(System.Text.Json.Utf8JsonWriter writer, in TMerged row) => T.Serializer.WriteJson(writer, unwrap(row));

    public override void WriteAvro(ref AvroWriter writer, in TMerged row) => T.Serializer.WriteAvro(ref writer, unwrap(row));

    public override void WriteColumns(IColumnWriter writer, in TMerged row) => T.Serializer.WriteColumns(writer, unwrap(row));

    public override void WritePacked(ref MessageWriter writer, ReadOnlySpan<TMerged> rows)
    {
        var unwrapped = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            unwrapped[i] = unwrap(rows[i]);
        }

        T.Serializer.WritePacked(ref writer, unwrapped);
    }

    public override ContractFormat<TMerged> Format(Confluent.SchemaRegistry.ISchemaRegistryClient? registry, Confluent.SchemaRegistry.SubjectNameStrategy subjects) =>
        new MergedFormat<T, TMerged>(ContractFormat.Of<T>(registry, subjects), wrap, unwrap);
}
