using System.Text;

namespace Pipelines.Serialization;

/// <summary>
/// Maps UTF-8 bytes to a shared string so that values which repeat on every row (tags) are decoded once.
/// A fixed two-way set-associative table: lookups never lock or allocate; a miss replaces the older entry of
/// its set, so memory stays bounded however many distinct values pass through.
/// </summary>
internal sealed class Utf8StringPool
{
    // Identifiers are short; long strings would evict them and are rarely repeated.
    private const int MaxPooledLength = 128;

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

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxPooledLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        var first = (hash.ToHashCode() & setMask) * 2;

        // Entries are immutable and replaced whole, so a racing reader sees either the old or the new one.
        var recent = Volatile.Read(ref entries[first]);
        if (recent is not null && utf8.SequenceEqual(recent.Utf8))
        {
            return recent.Value;
        }

        var older = Volatile.Read(ref entries[first + 1]);
        if (older is not null && utf8.SequenceEqual(older.Utf8))
        {
            return older.Value;
        }

        var added = new Entry(utf8.ToArray(), Encoding.UTF8.GetString(utf8));
        Volatile.Write(ref entries[first + 1], recent);
        Volatile.Write(ref entries[first], added);
        return added.Value;
    }

    private sealed record Entry(byte[] Utf8, string Value);
}
