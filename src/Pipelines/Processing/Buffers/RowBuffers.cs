namespace Pipelines.Processing;

/// <summary>
/// One buffer per stream (partition and stream key): rows enter, and flushes come out in <see cref="Ready"/> when a
/// rule of <see cref="BufferOptions"/> fires. Synchronous, for the processing loop's thread only: the loop takes
/// ready flushes and handles or writes them, then <see cref="Return">returns</see> them.
/// </summary>
internal sealed class RowBuffers<T>
{
    private readonly BufferOptions options;
    private readonly TimeProvider time;
    private readonly Func<IReadOnlyList<T>, bool>? flushWhen;
    private readonly Action<Exception>? onHookFailed;
    private readonly bool flushesAtOnce;
    private readonly Dictionary<(int Partition, byte[]? Key), Stream> streams = new(StreamKeyComparer.Instance);
    private readonly Stack<Stream> freeStreams = new();
    private readonly Stack<BufferedRows<T>> free = new();
    private readonly List<(int Partition, byte[]? Key)> emptied = [];
    private Stream? last;
    private int lastPartition;
    private byte[]? lastKey;

    /// <param name="options">The rules.</param>
    /// <param name="flushWhen">A user's flush rule, asked after each row enters.</param>
    /// <param name="onHookFailed">Told when <paramref name="flushWhen"/> throws; the buffer then flushes.</param>
    /// <param name="time">The clock of Timeout and Reorder, whose timestamps <c>now</c> arguments are; the system's by default.</param>
    public RowBuffers(BufferOptions options, Func<IReadOnlyList<T>, bool>? flushWhen = null, Action<Exception>? onHookFailed = null, TimeProvider? time = null)
    {
        this.options = options;
        this.time = time ?? TimeProvider.System;
        this.flushWhen = flushWhen;
        this.onHookFailed = onHookFailed;
        flushesAtOnce = BufferRules.FlushesAtOnce(options, flushWhen is not null);
    }

    /// <summary>Chunks that flushed, oldest first.</summary>
    public Queue<BufferedRows<T>> Ready { get; } = new();

    /// <summary>How many rows wait in buffers (not counting <see cref="Ready"/>).</summary>
    public int Buffered { get; private set; }

    /// <summary>Adds a row to its stream's buffer; <paramref name="work"/> holds a share until the row's flush is finished.</summary>
    public void Add(int partition, byte[]? key, T row, RowOrigin origin, int bytes, long? timestamp, Work work, long now)
    {
        var stream = StreamOf(partition, key);
        if (options.Reorder is null)
        {
            Put(stream, row, origin, bytes, timestamp, work, now);
            return;
        }

        work.Expect();
        stream.Held.Add(new Held(row, origin, bytes, timestamp ?? 0, work, now));
        Buffered++;
        Release(stream, now, all: false);
    }

    /// <summary>Applies the time rules: releases reordered rows that waited long enough, flushes idle buffers.</summary>
    public void Tick(long now)
    {
        foreach (var (id, stream) in streams)
        {
            if (stream.Held.Count > 0)
            {
                Release(stream, now, all: false);
            }

            if (BufferRules.IsIdle(options, stream.Current, now, time))
            {
                Cut(stream);
            }

            if (stream.IsEmpty)
            {
                emptied.Add(id);
            }
        }

        RemoveEmptied();
    }

    /// <summary>Flushes every buffer (of <paramref name="partitions"/>, if given), held rows included.</summary>
    public void FlushAll(Predicate<int>? partitions = null)
    {
        var now = time.GetTimestamp();
        foreach (var (id, stream) in streams)
        {
            if (partitions is null || partitions(id.Partition))
            {
                Release(stream, now, all: true);
                Cut(stream);
                emptied.Add(id);
            }
        }

        RemoveEmptied();
    }

    /// <summary>Flushes one stream's buffer, held rows included, if it has one.</summary>
    public void Flush(int partition, byte[]? key)
    {
        if (streams.TryGetValue((partition, key), out var stream))
        {
            Release(stream, time.GetTimestamp(), all: true);
            Cut(stream);
            emptied.Add((partition, key));
            RemoveEmptied();
        }
    }

    /// <summary>Forgets the buffers of partitions this instance lost; their rows are read again by the next owner of the partition.</summary>
    public void Drop(Predicate<int> partitions)
    {
        foreach (var (id, stream) in streams)
        {
            if (partitions(id.Partition))
            {
                Buffered -= stream.Current.Count + stream.Held.Count;
                stream.Held.Clear();
                stream.Current.Reset();
                emptied.Add(id);
            }
        }

        RemoveEmptied();
    }

    /// <summary>Hands back a flush taken from <see cref="Ready"/> once it was handled or written.</summary>
    public void Return(BufferedRows<T> flush)
    {
        flush.Reset();
        free.Push(flush);
    }

    private Stream StreamOf(int partition, byte[]? key)
    {
        // Rows of one stream arrive together and keys are shared arrays: most lookups end here, without hashing.
        if (last is { } cached && lastPartition == partition && ReferenceEquals(lastKey, key) && cached.Current is not null)
        {
            return cached;
        }

        if (!streams.TryGetValue((partition, key), out var stream))
        {
            stream = freeStreams.TryPop(out var reused) ? reused : new Stream();
            stream.Current = Rent(partition, key);
            streams[(partition, key)] = stream;
        }

        (last, lastPartition, lastKey) = (stream, partition, key);
        return stream;
    }

    private void Put(Stream stream, T row, RowOrigin origin, int bytes, long? timestamp, Work work, long now)
    {
        if (BufferRules.Overflows(options, stream.Current, bytes, timestamp))
        {
            Cut(stream);
        }

        stream.Current.Add(row, origin, bytes, timestamp, work, now);
        Buffered++;
        if (flushesAtOnce || BufferRules.IsFull(options, stream.Current) || AskFlushWhen(stream.Current))
        {
            Cut(stream);
        }
    }

    private bool AskFlushWhen(BufferedRows<T> flush)
    {
        if (flushWhen is null)
        {
            return false;
        }

        try
        {
            return flushWhen(flush.Rows);
        }
        catch (Exception exception)
        {
            onHookFailed?.Invoke(exception);
            return true;
        }
    }

    /// <summary>Moves held rows that waited out the reorder delay (all of them if <paramref name="all"/>) into the buffer, in timestamp order.</summary>
    private void Release(Stream stream, long now, bool all)
    {
        var held = stream.Held;
        var count = all ? held.Count : held.CountReleasable(now, options.Reorder!.Value, time, ref stream.Released);
        for (var i = 0; i < count; i++)
        {
            var row = held.TakeFirst();
            Buffered--;
            Put(stream, row.Row, row.Origin, row.Bytes, row.Timestamp, row.Work, now);

            // The flush took its own share of the work; the held row's share ends here.
            row.Work.Finish();
        }

        if (all && held.Count == 0)
        {
            stream.Released = null;
        }
    }

    private void Cut(Stream stream)
    {
        var flush = stream.Current;
        if (flush.Count == 0)
        {
            return;
        }

        Buffered -= flush.Count;
        Ready.Enqueue(flush);
        stream.Current = Rent(flush.Partition, flush.Key);
    }

    private BufferedRows<T> Rent(int partition, byte[]? key)
    {
        var flush = free.TryPop(out var reused) ? reused : new BufferedRows<T>();
        flush.Open(partition, key);
        return flush;
    }

    private void RemoveEmptied()
    {
        foreach (var id in emptied)
        {
            if (streams.Remove(id, out var stream))
            {
                if (ReferenceEquals(stream, last))
                {
                    last = null;
                }

                free.Push(stream.Current);
                stream.Current = null!;
                stream.Released = null;
                freeStreams.Push(stream);
            }
        }

        emptied.Clear();
    }

    private readonly record struct Held(T Row, RowOrigin Origin, int Bytes, long Timestamp, Work Work, long Arrived);

    private sealed class Stream
    {
        public BufferedRows<T> Current = null!;

        /// <summary>Rows held for reordering, by timestamp.</summary>
        public readonly ReorderQueue<Held> Held = new(static held => held.Timestamp, static held => held.Arrived);

        /// <summary>The newest timestamp among rows that waited out the delay; held rows up to it are released.</summary>
        public long? Released;

        public bool IsEmpty => Current.Count == 0 && Held.Count == 0;
    }
}
