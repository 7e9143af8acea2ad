namespace Pipelines.Processing;

/// <summary>
/// When a buffer flushes (see <see cref="BufferAttribute"/>): every rule is off unless set, and the first rule
/// that fires flushes. With no size or time rule, rows flush as soon as they enter (a filter, or a reorder delay,
/// on its own).
/// </summary>
public sealed record BufferOptions
{
    /// <summary>Flush when a stream's buffer holds this many rows.</summary>
    public int? MaxRows { get; init; }

    /// <summary>Flush before a stream's buffer would exceed this many bytes.</summary>
    public int? MaxBytes { get; init; }

    /// <summary>The span of data time (row timestamps) one buffer covers.</summary>
    public TimeSpan? DataSpan { get; init; }

    /// <summary>Flush when no row has arrived for this long (wall-clock).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Input only: hold rows this long and release them in timestamp order.</summary>
    public TimeSpan? Reorder { get; init; }

    /// <summary>Whether a rule other than <see cref="Timeout"/> bounds a buffer's size.</summary>
    internal bool HasSizeRule => MaxRows is not null || MaxBytes is not null || DataSpan is not null;

    /// <summary>Throws with the name of the first invalid setting.</summary>
    /// <param name="subject">Who declares the buffer, as the error names it: <c>Processor 'Name'</c>, say.</param>
    /// <param name="name">InputBuffer, OutputBuffer, or a writer's Buffer.</param>
    /// <param name="schema">The buffered contract: time rules need its timestamp.</param>
    /// <param name="hasFlushHook">Whether a FlushWhen method bounds the buffer.</param>
    /// <param name="isInput">Whether it buffers input (only input buffers reorder).</param>
    internal void Validate(string subject, string name, MessageSchema schema, bool hasFlushHook, bool isInput)
    {
        Require(Reorder is null || isInput, "Reorder", "applies to input buffers only");
        Require(MaxRows is null or > 0, "MaxRows", $"is {MaxRows}; it must be 1 or more");
        Require(MaxBytes is null or > 0, "MaxBytes", $"is {MaxBytes}; it must be 1 or more");
        Require(DataSpan is null || DataSpan > TimeSpan.Zero, "DataSpan", $"is {DataSpan}; it must be positive");
        Require(Timeout is null || Timeout > TimeSpan.Zero, "Timeout", $"is {Timeout}; it must be positive");
        Require(Reorder is null || Reorder > TimeSpan.Zero, "Reorder", $"is {Reorder}; it must be positive");
        Require(Timeout is null || HasSizeRule || hasFlushHook, "Timeout", "is the only rule; a steady stream never goes quiet, so set MaxRows, MaxBytes or DataSpan as well");
        Require(DataSpan is null || schema.Timestamp is not null, "DataSpan", $"needs a timestamp, and {schema.Name} has no [Timestamp] member");
        Require(Reorder is null || schema.Timestamp is not null, "Reorder", $"needs a timestamp, and {schema.Name} has no [Timestamp] member");

        void Require(bool condition, string setting, string problem) => SettingChecks.Require(condition, subject, name + ":" + setting, problem);
    }
}
