using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>Writes the frame of packed rows (see docs/wire-format.md); generated code writes the values. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PackedWriter
{
    /// <summary>Writes <c>{"rows": rowCount, "columns": {</c> with room for <paramref name="columnCount"/> columns.</summary>
    public static void WriteHeader(ref MessageWriter writer, int rowCount, int columnCount)
    {
        writer.WriteMapHeader(2);
        writer.WriteKey("rows"u8);
        writer.Write(rowCount);
        writer.WriteKey("columns"u8);
        writer.WriteMapHeader(columnCount);
    }

    /// <summary>Writes a column's name and array header; <paramref name="rowCount"/> values must follow.</summary>
    public static void WriteColumnHeader(ref MessageWriter writer, ReadOnlySpan<byte> name, int rowCount)
    {
        writer.WriteKey(name);
        writer.WriteArrayHeader(rowCount);
    }
}
