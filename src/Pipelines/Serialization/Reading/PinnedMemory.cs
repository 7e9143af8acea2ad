using System.Buffers;

namespace Pipelines.Serialization;

/// <summary>
/// Presents a pinned span as <see cref="ReadOnlySequence{T}"/>, which <c>MessagePackReader</c> requires,
/// without copying or allocating: one manager per thread is reused. Valid only while the caller keeps the
/// span pinned; disposing returns the manager.
/// </summary>
internal sealed unsafe class PinnedMemory : MemoryManager<byte>
{
    [ThreadStatic]
    private static PinnedMemory? cached;

    private byte* pointer;
    private int length;

    public ReadOnlySequence<byte> Sequence => length == 0 ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(Memory);

    public static PinnedMemory Rent(byte* pointer, int length)
    {
        // A read that re-enters on the same thread (a user property setter deserializing) gets its own manager.
        var memory = cached ?? new PinnedMemory();
        cached = null;
        memory.pointer = pointer;
        memory.length = length;
        return memory;
    }

    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        pointer = null;
        length = 0;
        cached = this;
    }
}
