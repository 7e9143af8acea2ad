using MessagePack;

namespace Pipelines.Serialization;

/// <summary>Writes the frame of a row batch (see docs/wire-format.md); generated code writes the values.</summary>
public static class BatchWriter
{
    /// <summary>Writes <c>{"rows": rowCount, "columns": {</c> with room for <paramref name="columnCount"/> columns.</summary>
    public static void WriteHeader(ref MessagePackWriter writer, int rowCount, int columnCount)
    {
        writer.WriteMapHeader(2);
        writer.WriteString("rows"u8);
        writer.Write(rowCount);
        writer.WriteString("columns"u8);
        writer.WriteMapHeader(columnCount);
    }

    /// <summary>Writes a column's name and array header; <paramref name="rowCount"/> values must follow.</summary>
    public static void WriteColumnHeader(ref MessagePackWriter writer, ReadOnlySpan<byte> name, int rowCount)
    {
        writer.WriteString(name);
        writer.WriteArrayHeader(rowCount);
    }
}
