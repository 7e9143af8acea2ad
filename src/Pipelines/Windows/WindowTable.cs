using System.Runtime.InteropServices;
using System.Text;
using Pipelines.Infrastructure;
using Pipelines.Processing;
using Pipelines.State;

namespace Pipelines.Windows;

/// <summary>A closing window whose <c>Emit</c> threw: its accumulator, serialized, goes where the failure policy says.</summary>
internal sealed record WindowEmitFailure(int Partition, byte[] Key, byte[] Accumulator, WindowEmitException Exception);

/// <summary>What the loop and generated code ask of a windowed processor's state, whatever its accumulator.</summary>
internal abstract class WindowTable<TIn, TOut> : StateTable
    where TOut : IMessageContract<TOut>
{
    /// <summary>Closing windows whose <c>Emit</c> threw since the caller last emptied this.</summary>
    public List<WindowEmitFailure> Failures { get; } = [];

    /// <summary>Takes <paramref name="row"/> into the windows of the key the state is bound to; what that emits goes to <paramref name="outputs"/>.</summary>
    /// <exception cref="LateRowException">Every window of the row has closed.</exception>
    public abstract ValueTask Add(TIn row, Outputs<TOut> outputs);

    /// <summary>
    /// Closes the windows of every key quiet for <see cref="WindowDefinition.CloseAfterIdle"/>: for each such key, its
    /// results are put in <paramref name="outputs"/>, then <paramref name="closed"/> hears its partition and key (to
    /// write them and any <see cref="Failures"/>).
    /// </summary>
    public abstract void CloseIdle(Outputs<TOut> outputs, Action<int, byte[]> closed);
}

/// <summary>
/// A windowed processor's state and what it does with each row: per stream key (<see cref="KeyWindows{TAcc}"/>), places
/// the row in its windows by its timestamp, closes the windows its key's data time has passed, and emits results.
/// The key's windows are kept by a <see cref="KeyedState{T}"/>, so they are cached, checkpointed to the changelog and
/// restored like any keyed state. For the loop's thread only.
/// </summary>
internal sealed partial class WindowTable<TIn, TAcc, TOut> : WindowTable<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private readonly KeyedState<KeyWindows<TAcc>> keyed;
    private readonly IWindowFunctions<TIn, TAcc, TOut> functions;
    private readonly WindowDefinition definition;
    private readonly Func<TAcc, byte[]> encodeAccumulator;
    private readonly TimeProvider time;
    private readonly long size;
    private readonly long hop;
    private readonly long grace;
    private readonly KeyValuePair<string, object?> processorTag;

    private const string WindowClosedBy = "pipelines.window.closed_by";

    // Keys with open windows, watched for going quiet (with CloseAfterIdle only).
    private readonly HashSet<KeyWindows<TAcc>> watched = new(ReferenceEqualityComparer.Instance);

    // The keys found quiet by one look (CloseAfterIdle), reused: the loop looks ten times a second.
    private readonly List<KeyWindows<TAcc>> quiet = [];

    // A row's new accumulators, made before any window changes: the user's code runs first, so a throw leaves nothing to undo.
    private readonly List<(long Start, TAcc Accumulator)> updates = [];

    public WindowTable(string name, IWindowFunctions<TIn, TAcc, TOut> functions, WindowDefinition definition, Func<TAcc, byte[]> encodeAccumulator, Func<byte[], TAcc> decodeAccumulator, ProcessorOptions options)
    {
        definition.Validate(options.Name);
        processorTag = new(PipelinesTelemetry.ProcessorTag, options.Name);
        time = options.TimeProvider;
        this.functions = functions;
        keyed = new KeyedState<KeyWindows<TAcc>>(name, windows => KeyWindows<TAcc>.Encode(windows, encodeAccumulator), bytes => KeyWindows<TAcc>.Decode(bytes, decodeAccumulator), options.StateTimeToLive, options.TimeProvider, options.StateTimeToLiveClock);
        this.definition = definition;
        this.encodeAccumulator = encodeAccumulator;
        size = definition.SizeNanoseconds;
        hop = definition.HopNanoseconds;
        grace = definition.GraceNanoseconds;
    }

    public override string Name => keyed.Name;

    public override IReadOnlyCollection<int> Partitions => keyed.Partitions;

    public override void Open(int partition, IStateStore store)
    {
        keyed.Open(partition, store);
        if (definition.CloseAfterIdle is null)
        {
            return;
        }

        // A restored key's quiet time counts from now: this instance has not seen it go quiet.
        var now = time.GetTimestamp();
        foreach (var key in keyed.LoadAll(partition))
        {
            keyed.BeginKey(partition, key);
            var windows = keyed.Value;
            keyed.Commit();
            if (windows.Open.Count > 0)
            {
                (windows.Partition, windows.Key, windows.LastSeen) = (partition, key, now);
                watched.Add(windows);
            }
        }
    }

    public override IStateStore? Close(int partition)
    {
        watched.RemoveWhere(windows => windows.Partition == partition);
        return keyed.Close(partition);
    }

    public override IStateStore? StoreOf(int partition) => keyed.StoreOf(partition);

    public override bool Begin(int partition, byte[]? key, RowPosition position) => keyed.Begin(partition, key, position);

    public override void Reach(RowPosition last) => keyed.Reach(last);

    public override void Observe(int partition, long timestamp) => keyed.Observe(partition, timestamp);

    public override void Rewind() => keyed.Rewind();

    public override void Commit() => keyed.Commit();

    public override List<KeyValuePair<byte[], byte[]?>> TakeChanges(int partition) => keyed.TakeChanges(partition);

    public override long CachedKeys => keyed.CachedKeys;

    // A key whose windows are open is not forgotten: its rows would be lost, not just its bookkeeping.
    public override int Expire(int partition) => keyed.Expire(partition, windows => windows.Open.Count > 0);

    public override (long Hits, long Misses) TakeLookups() => keyed.TakeLookups();

    public override ValueTask Add(TIn row, Outputs<TOut> outputs)
    {
        var timestamp = TIn.Serializer.TimestampOf(row) ?? throw new MessageFormatException($"A {typeof(TIn).Name} row has no timestamp, so it cannot be placed in a window.");
        var windows = keyed.HasValue ? keyed.Value : null;
        if (definition.Kind == WindowKind.Sliding)
        {
            Slide(row, windows, timestamp, outputs);
            return ValueTask.CompletedTask;
        }

        var streamTime = Math.Max(windows?.StreamTime ?? long.MinValue, timestamp);
        var closedUpTo = windows?.ClosedUpTo ?? long.MinValue;
        updates.Clear();

        // The user's code first (it may throw); the windows change only after it.
        var (newStart, newEnd, merged) = definition.Kind == WindowKind.Session
            ? Session(row, windows, timestamp, streamTime, closedUpTo)
            : Fixed(row, windows, timestamp, streamTime, closedUpTo);

        if (windows is null)
        {
            windows = new KeyWindows<TAcc>();
            keyed.Set(windows);
        }

        // Restored windows come without them: where they live is known from the binding, not the store.
        (windows.Partition, windows.Key) = (keyed.Partition, keyed.Key);

        windows.StreamTime = streamTime;
        var open = windows.Open;
        if (definition.Kind == WindowKind.Session)
        {
            open.RemoveRange(merged.Start, merged.Count);
            open.Insert(merged.Start, new OpenWindow<TAcc>(newStart, newEnd, updates[0].Accumulator));
        }
        else
        {
            foreach (var (start, accumulator) in updates)
            {
                var at = IndexOf(open, start);
                if (at >= 0)
                {
                    CollectionsMarshal.AsSpan(open)[at].Accumulator = accumulator;
                }
                else
                {
                    open.Insert(~at, new OpenWindow<TAcc>(start, start + size, accumulator));
                }
            }
        }

        if (definition.Emit == WindowEmit.OnUpdate)
        {
            foreach (var (start, accumulator) in updates)
            {
                var end = definition.Kind == WindowKind.Session ? newEnd : start + size;
                Emit(windows, new OpenWindow<TAcc>(definition.Kind == WindowKind.Session ? newStart : start, end, accumulator), outputs);
            }
        }

        CloseDue(windows, outputs, all: false);
        Watch(windows);
        return ValueTask.CompletedTask;
    }

    public override void CloseIdle(Outputs<TOut> outputs, Action<int, byte[]> closed)
    {
        if (definition.CloseAfterIdle is not { } idle || watched.Count == 0)
        {
            return;
        }

        var now = time.GetTimestamp();
        quiet.Clear();
        foreach (var windows in watched)
        {
            if (time.GetElapsedTime(windows.LastSeen, now) >= idle)
            {
                quiet.Add(windows);
            }
        }

        foreach (var windows in quiet)
        {
            keyed.BeginKey(windows.Partition, windows.Key);
            CloseDue(windows, outputs, all: true);
            keyed.Commit();
            watched.Remove(windows);
            closed(windows.Partition, windows.Key);
        }
    }

    /// <summary>Closes the key's windows that its data time has passed (or all of them), emitting each once if results are written on close.</summary>
    private void CloseDue(KeyWindows<TAcc> windows, Outputs<TOut> outputs, bool all)
    {
        var open = windows.Open;
        var closing = 0;
        var session = definition.Kind == WindowKind.Session;
        while (closing < open.Count)
        {
            var window = open[closing];

            // A session takes rows up to a gap after its last; its reach is where its time ends.
            var reach = session ? window.End + size : window.End;
            if (!all && reach + grace > windows.StreamTime)
            {
                break;
            }

            if (definition.Emit == WindowEmit.OnClose)
            {
                Emit(windows, window, outputs);
            }

            windows.ClosedUpTo = Math.Max(windows.ClosedUpTo, session ? reach + 1 : reach);
            closing++;
        }

        if (closing > 0)
        {
            open.RemoveRange(0, closing);
            PipelinesTelemetry.WindowsClosed.Add(closing, processorTag, new(WindowClosedBy, all ? "idle" : "data_time"));
        }
    }

    private void Emit(KeyWindows<TAcc> windows, OpenWindow<TAcc> window, Outputs<TOut> outputs)
    {
        var info = new WindowInfo(Encoding.UTF8.GetString(windows.Key), window.Start, window.End) { Kind = definition.Kind };
        try
        {
            _ = outputs.Add(functions.Emit(info, window.Accumulator));
        }
        catch (Exception exception)
        {
            Failures.Add(new WindowEmitFailure(windows.Partition, windows.Key, encodeAccumulator(window.Accumulator), new WindowEmitException(info, exception)));
        }
    }

    private void Watch(KeyWindows<TAcc> windows)
    {
        if (definition.CloseAfterIdle is null)
        {
            return;
        }

        if (windows.Open.Count == 0)
        {
            watched.Remove(windows);
            return;
        }

        windows.LastSeen = time.GetTimestamp();
        watched.Add(windows);
    }

    private LateRowException Late(long timestamp, long streamTime, long closedUpTo)
    {
        PipelinesTelemetry.LateRows.Add(1, processorTag);
        var key = Encoding.UTF8.GetString(keyed.Key);
        return new LateRowException(closedUpTo > streamTime - grace && timestamp < closedUpTo
            ? $"The row at {UnixNanoseconds.ToDateTime(timestamp):O} of '{key}' falls in windows that already closed (up to {UnixNanoseconds.ToDateTime(closedUpTo):O}), after the key was quiet or its data time moved past them."
            : $"The row at {UnixNanoseconds.ToDateTime(timestamp):O} of '{key}' is later than the grace period ({definition.Grace}) allows: the key's data time is {UnixNanoseconds.ToDateTime(streamTime):O}, so its windows have closed.");
    }
}
