using Pipelines.Processing;
using Pipelines.Publishing;

namespace Pipelines.Http;

/// <summary>
/// The one topic writer every request for a contract writes through (so rows of many requests share messages), and
/// the rows it holds that the broker has not acknowledged yet: the bound on what clients may have in flight.
/// </summary>
internal sealed class HttpTopicWriter<T>(TopicWriter<T> writer, int maxPendingRows) : IDisposable
    where T : IMessageContract<T>
{
    private int pending;

    public int Pending => Volatile.Read(ref pending);

    /// <summary>Takes room for <paramref name="rows"/> rows, or says there is none.</summary>
    public bool TryReserve(int rows)
    {
        while (true)
        {
            var now = Volatile.Read(ref pending);
            if (now + rows > maxPendingRows)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref pending, now + rows, now) == now)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back room taken for rows that will not be written.</summary>
    public void Release(int rows) => Interlocked.Add(ref pending, -rows);

    /// <summary>Writes reserved rows; <paramref name="acknowledged"/> is called once they are acknowledged or failed, and their room is given back.</summary>
    public void Write(IReadOnlyList<T> rows, Action<Exception?> acknowledged) =>
        Write(rows.Count, then => writer.Write(rows, then), acknowledged);

    /// <summary>Writes reserved stream messages (events, properties, an end) of <paramref name="streamKey"/>, as <see cref="Write(IReadOnlyList{T}, Action{Exception?})"/> does rows.</summary>
    public void Write(string streamKey, MessageType kind, IReadOnlyList<byte[]> values, Action<Exception?> acknowledged) =>
        Write(values.Count, then => writer.WriteStreamMessages(streamKey, kind, values, then), acknowledged);

    private void Write(int count, Action<Action<Exception?>> write, Action<Exception?> acknowledged)
    {
        var called = 0;
        try
        {
            write(failure =>
            {
                Interlocked.Exchange(ref called, 1);
                Release(count);
                acknowledged(failure);
            });
        }
        catch when (Volatile.Read(ref called) == 0)
        {
            Release(count);
            throw;
        }
    }

    public void Dispose() => writer.Dispose();
}
