namespace Pipelines.Processing;

/// <summary>
/// The rows of one stream that flush together, with the works they came from: each work holds one share of the
/// flush, released once what the flush turned into (a handler call, a written message) is finished. Pooled.
/// </summary>
internal sealed class BufferedRows<T>
{
    /// <summary>The rows, in the order they entered.</summary>
    public List<T> Rows { get; } = [];

    /// <summary>Input only: the message each row came in, index-aligned with <see cref="Rows"/>.</summary>
    public List<RowOrigin> Origins { get; } = [];

    /// <summary>The works holding a share of this flush, each once.</summary>
    public List<Work> Works { get; } = [];

    /// <summary>The stream's partition (input) or 0 (output).</summary>
    public int Partition { get; private set; }

    /// <summary>The stream key.</summary>
    public byte[]? Key { get; private set; }

    /// <summary>The bytes the rows count for (see <see cref="BufferOptions.MaxBytes"/>).</summary>
    public long Bytes { get; private set; }

    /// <summary>The first row's timestamp (nanoseconds), if it has one.</summary>
    public long? FirstTimestamp { get; private set; }

    /// <summary>When the last row entered (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public long LastAdded { get; private set; }

    public int Count => Rows.Count;

    public void Open(int partition, byte[]? key)
    {
        Partition = partition;
        Key = key;
    }

    public void Add(T row, RowOrigin origin, int bytes, long? timestamp, Work work, long now)
    {
        if (Rows.Count == 0)
        {
            FirstTimestamp = timestamp;
        }

        // Rows of one work usually arrive together, so comparing with the last work keeps each work once.
        if (Works.Count == 0 || !ReferenceEquals(Works[^1], work))
        {
            work.Expect();
            Works.Add(work);
        }

        Rows.Add(row);
        if (origin.Message is not null)
        {
            Origins.Add(origin);
        }

        Bytes += bytes;
        LastAdded = now;
    }

    public void Reset()
    {
        Rows.Clear();
        Origins.Clear();
        Works.Clear();
        Bytes = 0;
        FirstTimestamp = null;
        Key = null;
    }
}

/// <summary>Where an input row came from: its message and its index there.</summary>
internal readonly record struct RowOrigin(InboundMessage? Message, int Index);
