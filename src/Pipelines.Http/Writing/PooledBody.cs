using System.Buffers;

namespace Pipelines.Http;

/// <summary>
/// A request body read into an array rented from the shared pool and given back once its rows are read: a body of a
/// thousand rows is about 100 KB, which, allocated per request, lands on the large-object heap and costs a full
/// collection every few requests.
/// </summary>
internal sealed class PooledBody(int sizeHint) : IBufferWriter<byte>, IDisposable
{
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(sizeHint, 256));

    public int WrittenCount { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, WrittenCount);

    public void Advance(int count) => WrittenCount += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return buffer.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return buffer.AsSpan(WrittenCount);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    private void Reserve(int sizeHint)
    {
        if (buffer.Length - WrittenCount >= Math.Max(sizeHint, 1))
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, WrittenCount + sizeHint));
        buffer.AsSpan(0, WrittenCount).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }
}
