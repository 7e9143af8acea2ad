using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Pipelines.Infrastructure;

/// <summary>
/// A <see cref="DateTime"/> or <see cref="DateTimeOffset"/> member of a contract whose JSON times are
/// <see cref="JsonTimes.UnixMilliseconds"/>: written to JSON as a number of milliseconds since the Unix epoch, and
/// everything else (JSON reads, which take both forms; MessagePack; Avro) as <typeparamref name="TCodec"/>.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct UnixMillisecondsCodec<T, TCodec> : IValueCodec<T>
    where TCodec : IValueCodec<T>
{
    /// <inheritdoc/>
    public static string WireType => TCodec.WireType;

    /// <inheritdoc/>
    public static ColumnType Column => TCodec.Column;

    /// <inheritdoc/>
    public static void WriteColumn(IColumnWriter writer, T value) => TCodec.WriteColumn(writer, value);

    /// <inheritdoc/>
    public static void Write(ref MessageWriter writer, T value) => TCodec.Write(ref writer, value);

    /// <inheritdoc/>
    public static T Read(ref MessageReader reader) => TCodec.Read(ref reader);

    /// <inheritdoc/>
    public static void WriteJson(System.Text.Json.Utf8JsonWriter writer, T value)
    {
        // Type tests on T are constants to the JIT: each closed codec keeps one branch and boxes nothing.
        if (typeof(T) == typeof(DateTimeOffset))
        {
            writer.WriteNumberValue(Unsafe.As<T, DateTimeOffset>(ref value).ToUnixTimeMilliseconds());
        }
        else if (typeof(T) == typeof(DateTime))
        {
            var time = Unsafe.As<T, DateTime>(ref value);
            var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
            writer.WriteNumberValue(new DateTimeOffset(utc).ToUnixTimeMilliseconds());
        }
        else
        {
            TCodec.WriteJson(writer, value);
        }
    }

    /// <inheritdoc/>
    public static T ReadJson(ref System.Text.Json.Utf8JsonReader reader) => TCodec.ReadJson(ref reader);

    /// <inheritdoc/>
    public static void WriteAvro(ref AvroWriter writer, T value) => TCodec.WriteAvro(ref writer, value);

    /// <inheritdoc/>
    public static T ReadAvro(ref AvroReader reader) => TCodec.ReadAvro(ref reader);
}
