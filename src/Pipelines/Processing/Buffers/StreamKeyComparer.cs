namespace Pipelines.Processing;

/// <summary>Compares streams by partition and key bytes; keys are usually shared arrays, so most comparisons end at the reference check.</summary>
internal sealed class StreamKeyComparer : IEqualityComparer<(int Partition, byte[]? Key)>
{
    public static StreamKeyComparer Instance { get; } = new();

    public bool Equals((int Partition, byte[]? Key) x, (int Partition, byte[]? Key) y) =>
        x.Partition == y.Partition && (ReferenceEquals(x.Key, y.Key) || (x.Key is not null && y.Key is not null && x.Key.AsSpan().SequenceEqual(y.Key)));

    public int GetHashCode((int Partition, byte[]? Key) stream)
    {
        var hash = new HashCode();
        hash.Add(stream.Partition);
        hash.AddBytes(stream.Key);
        return hash.ToHashCode();
    }
}
