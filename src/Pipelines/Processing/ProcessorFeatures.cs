using System.ComponentModel;
namespace Pipelines.Infrastructure;

/// <summary>Which members of <see cref="IProcessor{TIn, TOut}"/> a processor implements; the runner calls no other. For use by generated code; not intended to be called directly.</summary>
[Flags]
[EditorBrowsable(EditorBrowsableState.Never)]
public enum ProcessorFeatures
{
    /// <summary>Nothing but events it skips: a processor with no row handler reads no rows.</summary>
    None = 0,

    /// <summary><see cref="IProcessor{TIn, TOut}.HandleAsync(TIn, Outputs{TOut}, StreamContext, CancellationToken)"/>: one row per call.</summary>
    Rows = 1,

    /// <summary><see cref="IProcessor{TIn, TOut}.HandleAsync(IReadOnlyList{TIn}, Outputs{TOut}, StreamContext, CancellationToken)"/>: one stream's rows per call.</summary>
    Batches = 2,

    /// <summary><see cref="IProcessor{TIn, TOut}.HandleEventAsync"/>; without it, events are skipped.</summary>
    Events = 4,

    /// <summary><see cref="IProcessor{TIn, TOut}.OnStreamOpenedAsync"/>.</summary>
    StreamOpened = 8,

    /// <summary><see cref="IProcessor{TIn, TOut}.OnStreamClosedAsync"/>.</summary>
    StreamClosed = 16,

    /// <summary><see cref="IProcessor{TIn, TOut}.Admit"/>: the input buffer's row filter (<see cref="BufferAttribute.Filter"/>).</summary>
    Filter = 32,

    /// <summary><see cref="IProcessor{TIn, TOut}.ShouldFlush"/>: the input buffer's flush rule (<see cref="BufferAttribute.FlushWhen"/>).</summary>
    FlushWhen = 64,
}
