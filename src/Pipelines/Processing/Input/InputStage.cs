using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

/// <summary>
/// Hands a message's rows to the processor. Without buffers each row is handled as it comes, the fastest path, with
/// no allocation per message. With them (an <see cref="ProcessorOptions.InputBuffer"/>, or a batch handler) rows
/// enter per-stream buffers (through the processor's filter, if it has one) and each flush is handled: one
/// call with all its rows for a batch handler, one call per row otherwise. A row whose handler outlasted its retries
/// is rejected with the rows of its message that failed with it. One per run; for the loop's thread only.
/// </summary>
internal sealed class InputStage<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private readonly ProcessorOptions options;
    private readonly ProcessorCalls<TIn, TOut> calls;
    private readonly InputDeserializer<TIn> round;
    private readonly OutputStage<TOut> output;
    private readonly Rejections<TIn, TOut> rejections;
    private readonly OffsetTracker tracker;
    private readonly ILogger logger;
    private readonly bool handlesBatches;
    private readonly RowBuffers<TIn>? buffers;

    // A batch handler without an input buffer gets the rows of one round per call: they are flushed at the round's end.
    private readonly bool flushEachRound;

    // State forgotten after a time to live on data time learns each row's timestamp.
    private readonly bool observesDataTime;

    // A windowed processor's state, whose failed emits are rejected after each call.
    private readonly Pipelines.Windows.WindowTable<TIn, TOut>? windows;

    public InputStage(ProcessorOptions options, ProcessorCalls<TIn, TOut> calls, InputDeserializer<TIn> round, OutputStage<TOut> output, Rejections<TIn, TOut> rejections, OffsetTracker tracker, ILogger logger)
    {
        this.options = options;
        this.calls = calls;
        this.round = round;
        this.output = output;
        this.rejections = rejections;
        this.tracker = tracker;
        this.logger = logger;
        handlesBatches = calls.Has(ProcessorFeatures.Batches);
        windows = calls.State as Pipelines.Windows.WindowTable<TIn, TOut>;
        observesDataTime = calls.State is not null && options.StateTimeToLive is not null && options.StateTimeToLiveClock == StateClock.DataTime;
        if (options.InputBuffer is { } inputBuffer)
        {
            buffers = new RowBuffers<TIn>(inputBuffer, calls.FlushWhen, OnFlushWhenFailed, options.TimeProvider);
        }
        else if (handlesBatches)
        {
            buffers = new RowBuffers<TIn>(new BufferOptions { MaxRows = options.MaxBatchSize });
            flushEachRound = true;
        }
    }

    /// <summary>Whether rows go through buffers; if so, a fetch round reads on while rows and bytes allow.</summary>
    public bool IsBuffered => buffers is not null;

    /// <summary>How many rows wait in the input buffers.</summary>
    public int Buffered => buffers?.Buffered ?? 0;

    /// <summary>
    /// Takes the rows of <paramref name="message"/>, fetched in the current round and opened in its stream, then
    /// finishes the message's own share of its work: handled now without buffers, buffered otherwise.
    /// </summary>
    public async ValueTask TakeAsync(InboundMessage message, long now, CancellationToken stoppingToken)
    {
        if (buffers is null)
        {
            await HandleAsync(message, stoppingToken);
        }
        else
        {
            Buffer(message, now);
        }

        message.Work.Finish();
    }

    /// <summary>Handles every row the buffers have flushed so far; at the end of a round, a batch handler's rows first flush.</summary>
    public async ValueTask DrainAsync(bool roundEnded, CancellationToken cancellationToken)
    {
        if (buffers is null)
        {
            return;
        }

        if (roundEnded && flushEachRound)
        {
            buffers.FlushAll();
        }

        while (buffers.Ready.TryDequeue(out var flush))
        {
            await HandleFlushAsync(flush, cancellationToken);
            buffers.Return(flush);
        }
    }

    /// <summary>Handles the buffered rows of one stream now: what arrived before a stream message or an idle close goes first.</summary>
    public ValueTask FlushStreamAsync(int partition, byte[]? key, CancellationToken cancellationToken)
    {
        if (buffers is null || buffers.Buffered == 0)
        {
            return ValueTask.CompletedTask;
        }

        buffers.Flush(partition, key);
        return DrainAsync(roundEnded: false, cancellationToken);
    }

    /// <summary>Handles the buffered rows of <paramref name="partitions"/> (all, if null) now: before a hand-over or a stop.</summary>
    public ValueTask FlushAsync(Predicate<int>? partitions, CancellationToken cancellationToken)
    {
        if (buffers is null || buffers.Buffered == 0)
        {
            return ValueTask.CompletedTask;
        }

        buffers.FlushAll(partitions);
        return DrainAsync(roundEnded: false, cancellationToken);
    }

    /// <summary>Applies the buffers' time rules at <paramref name="now"/> and handles what they flush.</summary>
    public ValueTask TickAsync(long now, CancellationToken cancellationToken)
    {
        if (buffers is null)
        {
            return ValueTask.CompletedTask;
        }

        buffers.Tick(now);
        return DrainAsync(roundEnded: false, cancellationToken);
    }

    /// <summary>Forgets the buffered rows of partitions another instance already owns; it reads them again.</summary>
    public void Drop(Predicate<int> partitions) => buffers?.Drop(partitions);

    /// <summary>Handles each row of one message as it comes: no buffers, no allocation per message.</summary>
    private async ValueTask HandleAsync(InboundMessage message, CancellationToken stoppingToken)
    {
        var (range, key, work) = (message.Rows, message.Key, message.Work);
        calls.Context.Fill(message, options.TopicOf(message.Input));
        using var activity = PipelinesTelemetry.StartProcessing(options, message.Input, message.Headers, message.Partition, message.Offset);
        for (var i = 0; i < range.Count; i++)
        {
            if (!BeginState(message, key, i, round.Rows[range.Start + i]))
            {
                continue;
            }

            var failure = await calls.HandleAsync(round.Rows[range.Start + i], stoppingToken);
            if (failure is null)
            {
                output.Emit(key, activity, work);
                RejectFailedEmits(work);
                continue;
            }

            rejections.RejectRows(message, CollectionsMarshal.AsSpan(round.Rows).Slice(range.Start + i, 1), i, failure, work);
        }
    }

    /// <summary>Puts the message's rows that pass the filter into its stream's buffer.</summary>
    private void Buffer(InboundMessage message, long now)
    {
        // Rows buffered past this round need the message (and its value, for a dead letter) after the round recycles it.
        if (!flushEachRound)
        {
            message.Keep(round);
        }

        var range = message.Rows;
        var bytesPerRow = range.Count == 0 ? 0 : range.Bytes / range.Count;
        for (var i = 0; i < range.Count; i++)
        {
            var row = round.Rows[range.Start + i];
            if (calls.Has(ProcessorFeatures.Filter) && !Admit(message, i, row))
            {
                continue;
            }

            buffers!.Add(message.Partition, message.Key, row, new RowOrigin(message, i), bytesPerRow, TIn.Serializer.TimestampOf(row), message.Work, now);
        }
    }

    /// <summary>Asks the filter about a row; a filter that throws fails the row like a handler would.</summary>
    private bool Admit(InboundMessage message, int index, TIn row)
    {
        try
        {
            return calls.Admit(row);
        }
        catch (Exception exception)
        {
            using var activity = PipelinesTelemetry.StartProcessing(options, message.Input, message.Headers, message.Partition, message.Offset);
            rejections.RejectRows(message, new ReadOnlySpan<TIn>(in row), index, exception, message.Work);
            return false;
        }
    }

    /// <summary>Handles a flush: one call with all its rows for a batch handler, one call per row otherwise.</summary>
    private async ValueTask HandleFlushAsync(BufferedRows<TIn> flush, CancellationToken cancellationToken)
    {
        var work = tracker.Chain(flush.Works);
        var rows = flush.Rows;
        var count = handlesBatches ? 1 : rows.Count;
        for (var call = 0; call < count; call++)
        {
            // A batch starts at its first row not yet applied to the stream's state (all of them, but after a restart).
            var first = handlesBatches ? BeginBatchState(flush) : call;
            if (first == rows.Count || (!handlesBatches && !BeginState(flush, call)))
            {
                continue;
            }

            var origin = flush.Origins[first].Message!;
            calls.Context.Fill(origin, options.TopicOf(origin.Input));
            using var activity = PipelinesTelemetry.StartProcessing(options, origin.Input, origin.Headers, origin.Partition, origin.Offset);
            var failure = !handlesBatches ? await calls.HandleAsync(rows[call], cancellationToken)
                : first == 0 ? await calls.HandleAsync(rows, cancellationToken)
                : await calls.HandleAsync(rows.GetRange(first, rows.Count - first), cancellationToken);
            if (failure is null)
            {
                output.Emit(flush.Key, activity, work);
                RejectFailedEmits(work);
            }
            else
            {
                RejectFlushed(flush, first, handlesBatches ? rows.Count - first : 1, failure, work);
            }
        }

        work.Finish();
    }

    /// <summary>Fails rows <paramref name="start"/>..+<paramref name="count"/> of a flush: each run of one message's rows goes as one part.</summary>
    private void RejectFlushed(BufferedRows<TIn> flush, int start, int count, Exception exception, Work work)
    {
        var rows = CollectionsMarshal.AsSpan(flush.Rows);
        var end = start + count;
        while (start < end)
        {
            var (message, first) = flush.Origins[start];
            var length = 1;
            while (start + length < end && flush.Origins[start + length] == new RowOrigin(message, first + length))
            {
                length++;
            }

            rejections.RejectRows(message!, rows.Slice(start, length), first, exception, work);
            start += length;
        }
    }

    /// <summary>
    /// Binds the processor's keyed state, if any, to the row's stream; false when the row was applied to that state
    /// before a restart (and its outputs acknowledged), so it is not handled again.
    /// </summary>
    private bool BeginState(InboundMessage message, byte[]? key, int index, in TIn row)
    {
        if (calls.State is not { } state)
        {
            return true;
        }

        if (observesDataTime && TIn.Serializer.TimestampOf(row) is { } timestamp)
        {
            state.Observe(message.Partition, timestamp);
        }

        return state.Begin(message.Partition, key, new Pipelines.State.RowPosition(message.Offset, index, message.Input));
    }

    private bool BeginState(BufferedRows<TIn> flush, int row) =>
        BeginState(flush.Origins[row].Message!, flush.Key, flush.Origins[row].Index, flush.Rows[row]);

    /// <summary>
    /// Binds the state, if any, for a batch of one stream's rows: at its first row not yet applied, reaching to its last.
    /// Returns that first row's index; the batch's length when every row was applied before a restart.
    /// </summary>
    private int BeginBatchState(BufferedRows<TIn> flush)
    {
        if (calls.State is not { } state)
        {
            return 0;
        }

        var first = 0;
        while (first < flush.Count && !BeginState(flush, first))
        {
            first++;
        }

        if (first < flush.Count)
        {
            // The batch's own rows say how recent its key is, on a time to live on data time.
            for (var i = first + 1; observesDataTime && i < flush.Count; i++)
            {
                if (TIn.Serializer.TimestampOf(flush.Rows[i]) is { } timestamp)
                {
                    state.Observe(flush.Origins[i].Message!.Partition, timestamp);
                }
            }

            var last = flush.Origins[flush.Count - 1];
            state.Reach(new Pipelines.State.RowPosition(last.Message!.Offset, last.Index, last.Message.Input));
        }

        return first;
    }

    /// <summary>Windows that closed in the last call but whose <c>Emit</c> threw: their accumulators go where the failure policy says.</summary>
    private void RejectFailedEmits(Work work)
    {
        if (windows is { Failures.Count: > 0 })
        {
            rejections.RejectWindows(windows.Failures, work);
        }
    }

    private void OnFlushWhenFailed(Exception exception) =>
        Log.FlushWhenFailed(logger, exception, options.Name);
}
