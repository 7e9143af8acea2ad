using System.Buffers;
using System.Text.Json;

namespace Pipelines.Infrastructure;

/// <summary>A collection's or nested contract's column: the JSON its codec writes, as text.</summary>
internal static class ColumnJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    public static string Of<T, TCodec>(T value)
        where TCodec : IValueCodec<T>
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output);
        json.Reset(output);
        TCodec.WriteJson(json, value);
        json.Flush();
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
