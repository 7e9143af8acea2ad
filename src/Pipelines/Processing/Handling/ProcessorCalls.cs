using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

/// <summary>
/// Every call the loop makes into the processor. Handlers (rows, batches, events) are retried by the
/// <see cref="RetryPolicy"/> and return the failure that outlasted it; what a call produces is in
/// <see cref="Outputs"/> only once it succeeded, since a failed attempt's outputs are discarded. Stream hooks are
/// called once; a failure is logged and the stream goes on. For the loop's thread only.
/// </summary>
internal sealed class ProcessorCalls<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private readonly IProcessor<TIn, TOut> processor;
    private readonly RetryPolicy retries;
    private readonly ILogger logger;
    private readonly string name;
    private readonly KeyValuePair<string, object?> processorTag;

    // The retry policy repeats these, made once, over the row, rows or event of the current call: no closure per call.
    private readonly Func<CancellationToken, ValueTask> callRow;
    private readonly Func<CancellationToken, ValueTask> callRows;
    private readonly Func<CancellationToken, ValueTask> callEvent;
    private readonly Action<Exception, int, TimeSpan> retrying;
    private TIn currentRow = default!;
    private IReadOnlyList<TIn> currentRows = null!;
    private StreamEvent currentEvent = null!;

    /// <summary>The tags of the handler durations this processor records (<see cref="PipelinesTelemetry.ProcessTags"/>).</summary>
    public TagList ProcessTags { get; init; }

    public ProcessorCalls(IProcessor<TIn, TOut> processor, RetryPolicy retries, ILogger logger, string name, KeyValuePair<string, object?> processorTag)
    {
        this.processor = processor;
        this.retries = retries;
        this.logger = logger;
        this.name = name;
        this.processorTag = processorTag;
        Features = processor.Features;
        // Each attempt starts with no outputs: a failed attempt's are discarded.
        callRow = token =>
        {
            Outputs.Clear();
            State?.Rewind();
            return processor.HandleAsync(currentRow, Outputs, Context, token);
        };
        callRows = token =>
        {
            Outputs.Clear();
            State?.Rewind();
            return processor.HandleAsync(currentRows, Outputs, Context, token);
        };
        callEvent = token =>
        {
            Outputs.Clear();
            return processor.HandleEventAsync(currentEvent, Outputs, Context, token);
        };
        retrying = (exception, attempt, delay) => Log.Retrying(logger, exception, name, Context.Source, attempt, retries.MaxRetries + 1, delay);
    }

    /// <summary>What the processor implements; nothing else is called.</summary>
    public ProcessorFeatures Features { get; }

    /// <summary>What the last successful call produced; the caller takes the rows and clears it.</summary>
    public Outputs<TOut> Outputs { get; } = new();

    /// <summary>
    /// The processor's keyed state, if it has one: bound to a row's stream before its call (by the input stage), its
    /// changes undone before each retry and when the call fails, kept when it succeeds.
    /// </summary>
    public Pipelines.State.StateTable? State
    {
        get => Context.StateTable;
        init => Context.StateTable = value;
    }

    /// <summary>What handlers see of the message at hand; the loop fills it before each call.</summary>
    public StreamContext Context { get; } = new();

    public bool Has(ProcessorFeatures feature) => (Features & feature) == feature;

    /// <summary>Hands one row to the processor; a processor of events alone ignores rows.</summary>
    public async ValueTask<Exception?> HandleAsync(TIn row, CancellationToken stoppingToken)
    {
        if (!Has(ProcessorFeatures.Rows))
        {
            return null;
        }

        currentRow = row;
        try
        {
            return await RetryAsync(callRow, ofRows: true, stoppingToken);
        }
        finally
        {
            currentRow = default!;
        }
    }

    /// <summary>Hands rows of one stream to the processor in one call.</summary>
    public async ValueTask<Exception?> HandleAsync(IReadOnlyList<TIn> rows, CancellationToken stoppingToken)
    {
        currentRows = rows;
        try
        {
            return await RetryAsync(callRows, ofRows: true, stoppingToken);
        }
        finally
        {
            currentRows = null!;
        }
    }

    /// <summary>Hands one event to the processor.</summary>
    public async ValueTask<Exception?> HandleEventAsync(StreamEvent streamEvent, CancellationToken stoppingToken)
    {
        currentEvent = streamEvent;
        try
        {
            return await RetryAsync(callEvent, ofRows: false, stoppingToken);
        }
        finally
        {
            currentEvent = null!;
        }
    }

    /// <summary>Tells the processor a stream opened (<paramref name="end"/> null) or closed; false if the hook failed (logged, outputs discarded).</summary>
    public async ValueTask<bool> OnStreamChangedAsync(StreamInfo stream, StreamEnd? end, CancellationToken cancellationToken)
    {
        Outputs.Clear();
        try
        {
            await (end is { } ended ? processor.OnStreamClosedAsync(stream, ended, Outputs, cancellationToken) : processor.OnStreamOpenedAsync(stream, Outputs, cancellationToken));
            return true;
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            Outputs.Clear();
            PipelinesTelemetry.Failed.Add(1, processorTag);
            Log.StreamHandlerFailed(logger, exception, name, end is null ? "opened" : "closed", stream.Key);
            return false;
        }
    }

    /// <summary>The input buffer's filter.</summary>
    public bool Admit(TIn row) => processor.Admit(row);

    /// <summary>The input buffer's flush rule, or <see langword="null"/> when the processor has none.</summary>
    public Func<IReadOnlyList<TIn>, bool>? FlushWhen => Has(ProcessorFeatures.FlushWhen) ? processor.ShouldFlush : null;

    /// <summary>
    /// Runs <paramref name="call"/> under the retry policy; a failure that outlasted it leaves no outputs. A call of rows
    /// is timed, and brackets the keyed state: kept when the call succeeded, undone when it failed or was stopped (its
    /// rows are then handled again after a restart, so nothing of the attempt may stay).
    /// </summary>
    private async ValueTask<Exception?> RetryAsync(Func<CancellationToken, ValueTask> call, bool ofRows, CancellationToken stoppingToken)
    {
        // Timing costs two clock reads a call; skip it when nothing listens to the histogram.
        var started = ofRows && PipelinesTelemetry.HandlerDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        var state = ofRows ? State : null;
        try
        {
            var failure = await retries.CallAsync(call, retrying, stoppingToken);
            if (failure is null)
            {
                state?.Commit();
            }
            else
            {
                Outputs.Clear();
                state?.Rewind();
            }

            return failure;
        }
        catch
        {
            state?.Rewind();
            throw;
        }
        finally
        {
            if (started != 0)
            {
                PipelinesTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, ProcessTags);
            }
        }
    }
}
