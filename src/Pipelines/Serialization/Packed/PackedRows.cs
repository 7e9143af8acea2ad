using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Pipelines.Infrastructure;

/// <summary>The parts of packed rows (see docs/wire-format.md). For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum PackedSection
{
    /// <summary>A key this reader does not know; its value is skipped.</summary>
    Unknown,

    /// <summary><c>"rows"</c>: the number of rows.</summary>
    Rows,

    /// <summary><c>"columns"</c>: a map from wire name to an array with one value per row.</summary>
    Columns,
}

/// <summary>
/// Tracks the rows one batch read appends to a list: their count, declared by <c>"rows"</c> or by the first
/// column, must agree with every column; rows are created once, before the first column fills them.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct PackedRows<T>
{
    private readonly List<T> rows;
    private readonly int start;
    private readonly long limit;
    private int count;
    private bool created;

    /// <summary>Starts a batch that appends to <paramref name="rows"/>.</summary>
    public PackedRows(List<T> rows, scoped ref MessageReader reader)
    {
        this.rows = rows;
        start = rows.Count;
        count = -1;

        // Every row costs at least one byte in any column, so a count above the message size is hostile.
        limit = reader.Length;
    }

    /// <summary>The number of rows, once known.</summary>
    public readonly int Count => Math.Max(count, 0);

    /// <summary>Reads the key of the next top-level entry of a batch.</summary>
    public static PackedSection ReadSection(ref MessageReader reader)
    {
        var key = reader.ReadKey();
        return key.SequenceEqual("rows"u8) ? PackedSection.Rows
            : key.SequenceEqual("columns"u8) ? PackedSection.Columns
            : PackedSection.Unknown;
    }

    /// <summary>Reads the value of <c>"rows"</c>.</summary>
    public void ReadCount(ref MessageReader reader) => Declare(reader.ReadInt32(), "\"rows\"");

    /// <summary>
    /// Reads a column's array header and returns the batch's rows for the column to fill, creating them with
    /// <paramref name="create"/> the first time.
    /// </summary>
    public Span<T> BeginColumn(scoped ref MessageReader reader, Func<T> create)
    {
        Declare(reader.ReadArrayHeader(), "a column");
        EnsureCreated(create);
        return CollectionsMarshal.AsSpan(rows).Slice(start, count);
    }

    /// <summary>
    /// Reads a column's array header, returns a reader positioned at its first value and skips the column,
    /// for types that can only be constructed once every column is known.
    /// </summary>
    public MessageReader MarkColumn(scoped ref MessageReader reader)
    {
        Declare(reader.ReadArrayHeader(), "a column");
        var cursor = reader;
        for (var i = 0; i < count; i++)
        {
            reader.Skip();
        }

        return cursor;
    }

    /// <summary>Finishes a batch whose rows are constructed by the caller from marked columns; returns the row count.</summary>
    /// <exception cref="InvalidDataException">Neither <c>"rows"</c> nor any column said how many rows there are.</exception>
    public readonly int Complete()
    {
        EnsureDeclared();
        return count;
    }

    /// <summary>Finishes a batch whose rows were filled column by column; rows no column named keep their defaults.</summary>
    /// <exception cref="InvalidDataException">Neither <c>"rows"</c> nor any column said how many rows there are.</exception>
    public int Complete(Func<T> create)
    {
        EnsureDeclared();
        EnsureCreated(create);
        return count;
    }

    // A map with neither entry is not a batch: most often one row sent under the batch header, whose fields must
    // not be read as a batch of nothing.
    private readonly void EnsureDeclared()
    {
        if (count < 0)
        {
            throw new InvalidDataException("The value is not a batch: it has neither \"rows\" nor any column of this contract (is it one row under the header pipelines.type: rows?).");
        }
    }

    private void Declare(int declared, string source)
    {
        if (declared < 0 || declared > limit)
        {
            throw new InvalidDataException($"The batch declares {declared} rows in {source}, which a {limit}-byte message cannot hold.");
        }

        if (count >= 0 && declared != count)
        {
            throw new InvalidDataException($"The batch has {count} rows but {source} has {declared} values; every column must have one value per row.");
        }

        count = declared;
    }

    private void EnsureCreated(Func<T> create)
    {
        if (created)
        {
            return;
        }

        rows.EnsureCapacity(start + count);
        for (var i = 0; i < count; i++)
        {
            rows.Add(create());
        }

        created = true;
    }
}
