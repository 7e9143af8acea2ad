namespace Pipelines.Generators.Model;

/// <summary>Everything the emitter needs to describe one processor.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="Declaration">The processor's declaration keywords and name.</param>
/// <param name="FullyQualifiedName">The processor type with <c>global::</c>.</param>
/// <param name="Name">The processor's name (its class name): configuration key, logs, dead-letter headers.</param>
/// <param name="GroupId">The consumer group.</param>
/// <param name="InputType">The handled contract, fully qualified.</param>
/// <param name="InputTopic">Its topic.</param>
/// <param name="OutputType">The produced contract, fully qualified; <c>NoOutput</c> for a sink.</param>
/// <param name="OutputTopic">Its topic, or <see langword="null"/> for a sink.</param>
/// <param name="Handle">The row handler, or <see langword="null"/> for a processor that handles only events (its rows are skipped unread).</param>
/// <param name="HandlesBatches">Whether the row handler takes <c>IReadOnlyList&lt;TIn&gt;</c> rather than one row.</param>
/// <param name="StateType">The contract of the row handler's <c>State&lt;T&gt;</c>, fully qualified, or <see langword="null"/> without keyed state.</param>
/// <param name="Window">The windows of a windowed processor (which has no <paramref name="Handle"/>), or <see langword="null"/>.</param>
/// <param name="Settings">The runtime settings the attribute sets, applied before configuration.</param>
/// <param name="OnEvent">The <c>Handle(StreamEvent)</c> method, or <see langword="null"/>: events are skipped.</param>
/// <param name="OnStreamOpened">The <c>OnStreamOpened(StreamInfo)</c> method, or <see langword="null"/>.</param>
/// <param name="OnStreamClosed">The <c>OnStreamClosed(StreamInfo, StreamEnd)</c> method, or <see langword="null"/>.</param>
/// <param name="Filter">The input buffer's row filter, a method of the processor, or <see langword="null"/>.</param>
/// <param name="FlushWhen">The input buffer's flush rule, a method of the processor, or <see langword="null"/>.</param>
/// <param name="HintName">The generated file's name.</param>
/// <param name="Tables">The tables the row handler reads, in the order of its parameters.</param>
/// <param name="Join">How a joining processor joins its two <paramref name="Inputs"/>, or <see langword="null"/>.</param>
/// <param name="Inputs">With several inputs, each one and its handler, in declaration order (then <paramref name="InputType"/> is their <c>Merged</c> row and <paramref name="Handle"/> the first's); empty for one input.</param>
internal sealed record ProcessorModel(
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Declaration,
    string FullyQualifiedName,
    string Name,
    string GroupId,
    string InputType,
    string InputTopic,
    string OutputType,
    string? OutputTopic,
    CallModel? Handle,
    bool HandlesBatches,
    string? StateType,
    WindowModel? Window,
    EquatableArray<SettingModel> Settings,
    CallModel? OnEvent,
    CallModel? OnStreamOpened,
    CallModel? OnStreamClosed,
    string? Filter,
    string? FlushWhen,
    string HintName,
    EquatableArray<TableModel> Tables,
    EquatableArray<InputModel> Inputs = default,
    JoinModel? Join = null);

/// <summary>How a joining processor joins its two inputs (see <c>JoinAttribute</c>): the kind (<c>Interval</c> or <c>AsOf</c>), the interval or tolerance and the grace in ticks, and whether unmatched left rows are handed over.</summary>
internal sealed record JoinModel(string Kind, long WithinTicks, long GraceTicks, bool KeepsUnmatched);

/// <summary>One input of a processor with several: its contract, fully qualified, its topic, and its handler.</summary>
internal sealed record InputModel(string Type, string Topic, CallModel Handle);

/// <summary>A table a handler reads: its contract, fully qualified, the contract's topic, and whether it is partitioned with the input (a <c>Table&lt;T&gt;</c>) or global.</summary>
internal sealed record TableModel(string Type, string Topic, bool Partitioned);

/// <summary>How a handler hands back its output.</summary>
internal enum HandlerReturn
{
    /// <summary><c>TOut</c> (or a collection of it).</summary>
    Value,

    /// <summary><c>ValueTask&lt;TOut&gt;</c>.</summary>
    ValueTask,

    /// <summary><c>Task&lt;TOut&gt;</c>.</summary>
    Task,

    /// <summary><c>void</c>: a sink.</summary>
    Nothing,

    /// <summary><c>ValueTask</c>: an asynchronous sink.</summary>
    NothingValueTask,

    /// <summary><c>Task</c>: an asynchronous sink.</summary>
    NothingTask,
}

/// <summary>One runtime setting a processor's attribute sets: the <c>ProcessorOptions</c> property and its C# value.</summary>
internal sealed record SettingModel(string Name, string Expression);

/// <summary>A declared buffer: the <c>BufferOptions</c> it becomes as C#, and the hooks a processor names (as the call target).</summary>
internal sealed record BufferModel(string Expression, string? Filter, string? FlushWhen);

/// <summary>A processor method the runtime calls (the row handler, an event handler, a stream hook): its name and how it takes and returns.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="Returns">How it returns its result.</param>
/// <param name="ReturnsMany">Whether the result is a collection of outputs rather than one.</param>
/// <param name="TakesContext">Whether it takes a <c>StreamContext</c> (rows and events only).</param>
/// <param name="TakesCancellation">Whether it takes a <c>CancellationToken</c>.</param>
/// <param name="TakesState">Whether it takes the processor's <c>State&lt;T&gt;</c> (the row handler only).</param>
internal sealed record CallModel(string Method, HandlerReturn Returns, bool ReturnsMany, bool TakesContext, bool TakesCancellation, bool TakesState = false, int Tables = 0);

/// <summary>A processor's <c>[Window]</c> and the methods that fill and emit its windows.</summary>
/// <param name="Kind">The <c>WindowKind</c> member: Tumbling, Hopping or Session.</param>
/// <param name="SizeTicks">The size (a session's gap), in ticks.</param>
/// <param name="HopTicks">How far apart hopping windows start, in ticks; the size for other kinds.</param>
/// <param name="GraceTicks">The grace period, in ticks.</param>
/// <param name="IdleTicks">CloseAfterIdle in ticks, or <see langword="null"/>.</param>
/// <param name="Emit">The <c>WindowEmit</c> member, fully qualified.</param>
/// <param name="Accumulator">What a window keeps, fully qualified: the processor's contract, or <c>WindowStats</c>.</param>
/// <param name="StatsOf">With <c>WindowStats</c>: the method that picks a row's value; otherwise <see langword="null"/>.</param>
/// <param name="Empty">The C# expression of a window's accumulator before its first row.</param>
/// <param name="HasMerge">Whether the processor declares <c>Merge</c>.</param>
/// <param name="Collects">Whether the windows keep their rows (built-in collect: <c>Emit(WindowInfo, IReadOnlyList&lt;TIn&gt;)</c>).</param>
internal sealed record WindowModel(string Kind, long SizeTicks, long HopTicks, long GraceTicks, long? IdleTicks, string Emit, string Accumulator, string? StatsOf, string Empty, bool HasMerge, bool Collects);
