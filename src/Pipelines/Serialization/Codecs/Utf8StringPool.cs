using System.Text;

namespace Pipelines.Infrastructure;

/// <summary>
/// Shares the values that repeat on every row: a tag's string, and the UTF-8 bytes of a stream key. Each entry
/// holds both forms of one text, so decoding a tag, reading a Kafka key and formatting an output's key all
/// land on the same entry. A fixed two-way set-associative table: lookups never lock or allocate; a miss
/// replaces the older entry of its set, so memory stays bounded however many distinct values pass through.
/// </summary>
internal sealed class Utf8StringPool
{
    // Identifiers are short; long strings would evict them and are rarely repeated.
    internal const int MaxPooledLength = 128;

    private readonly Entry?[] entries;
    private readonly int setMask;

    public Utf8StringPool(int sets = 2048)
    {
        if (sets <= 0 || (sets & (sets - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sets), sets, "The number of sets must be a positive power of two.");
        }

        entries = new Entry?[sets * 2];
        setMask = sets - 1;
    }

    public static Utf8StringPool Shared { get; } = new();

    /// <summary>The shared string of these bytes.</summary>
    public string GetOrAdd(ReadOnlySpan<byte> utf8) =>
        utf8.IsEmpty ? string.Empty
        : utf8.Length > MaxPooledLength ? Encoding.UTF8.GetString(utf8)
        : Find(utf8).Text;

    /// <summary>A shared array holding these bytes; callers must not write to it.</summary>
    public byte[] GetBytes(ReadOnlySpan<byte> utf8) =>
        utf8.IsEmpty ? []
        : utf8.Length > MaxPooledLength ? utf8.ToArray()
        : Find(utf8).Utf8;

    /// <summary>A shared array holding the UTF-8 form of <paramref name="text"/>; callers must not write to it.</summary>
    public byte[] GetBytes(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        if (text.Length > MaxPooledLength)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        Span<byte> utf8 = stackalloc byte[MaxPooledLength * 3];
        return GetBytes(utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
    }

    private Entry Find(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var first = (hash.ToHashCode() & setMask) * 2;

        // Entries are immutable and replaced whole, so a racing reader sees either the old or the new one.
        var recent = Volatile.Read(ref entries[first]);
        if (recent is not null && utf8.SequenceEqual(recent.Utf8))
        {
            return recent;
        }

        var older = Volatile.Read(ref entries[first + 1]);
        if (older is not null && utf8.SequenceEqual(older.Utf8))
        {
            return older;
        }

        var added = new Entry(utf8.ToArray(), Encoding.UTF8.GetString(utf8));
        Volatile.Write(ref entries[first + 1], recent);
        Volatile.Write(ref entries[first], added);
        return added;
    }

    private sealed record Entry(byte[] Utf8, string Text);
}
