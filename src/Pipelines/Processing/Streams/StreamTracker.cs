using System.Diagnostics;
using Pipelines.Infrastructure;

namespace Pipelines.Processing;

/// <summary>
/// The streams a processor instance has seen, per partition and key: opened by their first message, closed by an
/// end message, an idle timeout or losing the partition. For the processing loop's thread only.
/// </summary>
internal sealed class StreamTracker
{
    private readonly Dictionary<(int Partition, byte[]? Key), StreamInfo> streams = new(StreamKeyComparer.Instance);
    private (int Partition, byte[]? Key) lastKey = (-1, null);
    private StreamInfo? last;

    public int Count => streams.Count;

    /// <summary>The stream of a message, and whether this message opened it.</summary>
    public StreamInfo Touch(int partition, byte[]? key, long now, out bool opened)
    {
        // Consecutive messages of one stream are the common case, and keys are shared arrays.
        if (last is not null && lastKey.Partition == partition && ReferenceEquals(lastKey.Key, key))
        {
            opened = false;
            last.LastSeen = now;
            return last;
        }

        opened = !streams.TryGetValue((partition, key), out var stream);
        if (opened)
        {
            stream = new StreamInfo(key is null ? "" : Utf8StringPool.Shared.GetOrAdd(key), partition, now);
            streams[(partition, key)] = stream;
        }

        stream!.LastSeen = now;
        (lastKey, last) = ((partition, key), stream);
        return stream;
    }

    /// <summary>Forgets a stream that ended.</summary>
    public void Remove(int partition, byte[]? key)
    {
        streams.Remove((partition, key));
        if (lastKey.Partition == partition && (ReferenceEquals(lastKey.Key, key) || StreamKeyComparer.Instance.Equals(lastKey, (partition, key))))
        {
            last = null;
        }
    }

    /// <summary>Takes out the streams idle for <paramref name="timeout"/> or longer at <paramref name="now"/> on <paramref name="time"/>.</summary>
    public List<(byte[]? Key, StreamInfo Stream)> TakeIdle(long now, TimeSpan timeout, TimeProvider time) =>
        Take(entry => time.GetElapsedTime(entry.Value.LastSeen, now) >= timeout);

    /// <summary>Takes out the streams of <paramref name="partitions"/>.</summary>
    public List<(byte[]? Key, StreamInfo Stream)> TakePartitions(Predicate<int> partitions) => Take(entry => partitions(entry.Key.Partition));

    private List<(byte[]? Key, StreamInfo Stream)> Take(Func<KeyValuePair<(int Partition, byte[]? Key), StreamInfo>, bool> predicate)
    {
        var taken = streams.Where(predicate).Select(entry => (entry.Key.Key, entry.Value)).ToList();
        foreach (var (key, stream) in taken)
        {
            streams.Remove((stream.Partition, key));
        }

        last = null;
        return taken;
    }
}
