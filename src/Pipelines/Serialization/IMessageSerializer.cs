using System.ComponentModel;
using Pipelines.Infrastructure;

namespace Pipelines.Infrastructure;

/// <summary>
/// Writes and reads one contract type as MessagePack (a single row as a map of wire names to values, or many rows
/// as one columnar batch) and as JSON (a row as an object of wire names to values); see docs/wire-format.md. Implementations are generated, stateless and
/// thread-safe. <see cref="MessageSerializer"/> wraps them for byte arrays, buffers and spans.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IMessageSerializer<T>
{
    /// <summary>The contract's topic, fields and fingerprint.</summary>
    MessageSchema Schema { get; }

    /// <summary>The row's Kafka key, from its tags (see <see cref="StreamKeys"/>); <see langword="null"/> for a contract without tags.</summary>
    byte[]? StreamKey(in T value);

    /// <summary>The row's <see cref="TimestampAttribute">timestamp</see> in nanoseconds since the Unix epoch; <see langword="null"/> for a contract without one.</summary>
    long? TimestampOf(in T value);

    /// <summary>
    /// The row with its <see cref="TimestampAttribute">timestamp</see> set to <paramref name="nanoseconds"/> since the Unix
    /// epoch (the row itself, changed, for a class with a settable timestamp); the row as it is for a contract without
    /// one. The runtime gives a row of a JSON message that carried no time its message's Kafka timestamp this way.
    /// </summary>
    T WithTimestamp(in T value, long nanoseconds);

    /// <summary>Writes one row as a map.</summary>
    void Write(ref MessageWriter writer, in T value);

    /// <summary>Reads one row; unknown fields are skipped, missing ones keep their default.</summary>
    /// <exception cref="MessageFormatException">The input is not a valid row of this contract.</exception>
    T Read(ref MessageReader reader);

    /// <summary>Writes <paramref name="rows"/> as one columnar batch.</summary>
    void WritePacked(ref MessageWriter writer, ReadOnlySpan<T> rows);

    /// <summary>Reads one batch and appends its rows, in order, to <paramref name="rows"/>; returns how many were added.</summary>
    /// <exception cref="MessageFormatException">The input is not a valid batch of this contract; <paramref name="rows"/> may then hold part of it.</exception>
    int ReadPacked(ref MessageReader reader, List<T> rows);

    /// <summary>Writes one row as a JSON object.</summary>
    void WriteJson(System.Text.Json.Utf8JsonWriter writer, in T value);

    /// <summary>Reads one row from a JSON object: the reader is on its start, and is left on its end. Unknown properties are skipped, missing ones keep their default.</summary>
    /// <exception cref="MessageFormatException">The input is not a valid row of this contract.</exception>
    T ReadJson(ref System.Text.Json.Utf8JsonReader reader);

    /// <summary>Writes one row in Avro's binary encoding, as its Avro schema (<see cref="MessageSchema.AvroSchema"/>) lays it out.</summary>
    void WriteAvro(ref AvroWriter writer, in T value);

    /// <summary>Reads one row written with this contract's own Avro schema.</summary>
    /// <exception cref="MessageFormatException">The input is not a valid row of this contract.</exception>
    T ReadAvro(ref AvroReader reader);

    /// <summary>Hands the row's members to <paramref name="writer"/> as table columns, in declaration order (the schema's fields).</summary>
    void WriteColumns(IColumnWriter writer, in T value);
}
