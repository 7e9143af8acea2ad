using System.Buffers.Binary;

namespace Pipelines.State;

/// <summary>
/// A key's value kept as its key's record (the head) and records of its own, its segments, so a value that holds many
/// parts (a join's waiting rows) writes at a checkpoint only the parts that changed, and is not bounded by the size of
/// one changelog message. A segment's key is <see cref="Segments.PrefixOf"/> the stream key followed by what the value puts
/// there; the head is written after its segments, so a head in the store or changelog never names a segment missing.
/// </summary>
internal interface ISegmentedValue
{
    /// <summary>Appends the segments that changed since the last call: written ones with their bytes, gone ones with <see langword="null"/>.</summary>
    void TakeSegments(byte[] prefix, List<KeyValuePair<byte[], byte[]?>> records);

    /// <summary>Appends a deletion of every segment written so far: its key is going away.</summary>
    void DeleteSegments(byte[] prefix, List<KeyValuePair<byte[], byte[]?>> records);

    /// <summary>Takes back its segments as the store holds them, in key order, after its head was read.</summary>
    void LoadSegments(int prefixLength, IEnumerable<KeyValuePair<byte[], byte[]>> segments);
}

/// <summary>Where segments live in a partition's store, apart from the stream keys' own records.</summary>
internal static class Segments
{
    // 0xFF never starts a UTF-8 string, so no stream key written by a Pipelines writer is taken for a segment.
    private const byte Marker = 0xFF;

    /// <summary>Whether <paramref name="key"/> is a segment's, not a stream key's.</summary>
    public static bool IsSegment(ReadOnlySpan<byte> key) => key.Length > 0 && key[0] == Marker;

    /// <summary>The start of every segment key of <paramref name="streamKey"/>: the marker and the key's length, so no key's prefix is another's.</summary>
    public static byte[] PrefixOf(byte[] streamKey)
    {
        var prefix = new byte[5 + streamKey.Length];
        prefix[0] = Marker;
        BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(1), streamKey.Length);
        streamKey.CopyTo(prefix, 5);
        return prefix;
    }

    /// <summary>The keys after <paramref name="prefix"/> in byte order start below this; null when none can (all 0xFF).</summary>
    public static byte[]? UpperBound(byte[] prefix)
    {
        var upper = (byte[])prefix.Clone();
        for (var i = upper.Length - 1; i >= 0; i--)
        {
            if (upper[i] != 0xFF)
            {
                upper[i]++;
                return upper[..(i + 1)];
            }
        }

        return null;
    }
}

/// <summary>Orders byte arrays as unsigned bytes, shorter first on a tie: the order RocksDB keeps its keys in.</summary>
internal sealed class ByteOrder : IComparer<byte[]>
{
    public static ByteOrder Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
