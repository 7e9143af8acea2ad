namespace Pipelines.Processing;

/// <summary>
/// What one processor's loop is doing, written by the loop and read from any thread: by the health checks
/// (<c>AddHealthChecks().AddPipelines()</c>), or by an application that shows it. The host's processors are in
/// <see cref="Pipelines.Hosting.PipelinesStatus"/>.
/// </summary>
public sealed class ProcessorStatus
{
    private readonly TimeProvider time;
    private long lastTurn;
    private long lag;
    private int partitions;
    private long toRestore;
    private long restored;
    private volatile ProcessorPhase phase;
    private volatile Exception? stopReason;

    /// <summary>Creates the status of the processor <paramref name="name"/>, in <see cref="ProcessorPhase.Starting"/>.</summary>
    /// <param name="name">The processor's name.</param>
    /// <param name="timeProvider">The clock <see cref="SinceLastTurn"/> is measured on; <see cref="TimeProvider.System"/> by default.</param>
    internal ProcessorStatus(string name, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        time = timeProvider ?? TimeProvider.System;
        lastTurn = time.GetTimestamp();
    }

    /// <summary>The processor's name.</summary>
    public string Name { get; }

    /// <summary>Where the processor is in its life.</summary>
    public ProcessorPhase Phase => phase;

    /// <summary>Why the processor stopped, when something other than the host stopped it (a <see cref="ProcessorStoppedException"/>, a configuration or broker error); otherwise <see langword="null"/>.</summary>
    public Exception? StopReason => stopReason;

    /// <summary>How many input partitions the group gave this instance at its last assignment.</summary>
    public int AssignedPartitions => Volatile.Read(ref partitions);

    /// <summary>Messages in the assigned partitions not yet read, as of the last measurement (once a second while running).</summary>
    public long Lag => Interlocked.Read(ref lag);

    /// <summary>Changelog records the last restore (of the partitions last assigned) reads back into state stores; 0 for none.</summary>
    public long RecordsToRestore => Interlocked.Read(ref toRestore);

    /// <summary>How many of <see cref="RecordsToRestore"/> are read back so far.</summary>
    public long RestoredRecords => Interlocked.Read(ref restored);

    /// <summary>How long ago the loop last went round: it goes round at least every fetch wait, unless a handler or a restore holds it.</summary>
    public TimeSpan SinceLastTurn => time.GetElapsedTime(Interlocked.Read(ref lastTurn));

    internal void Turned() => Interlocked.Exchange(ref lastTurn, time.GetTimestamp());

    internal void Enter(ProcessorPhase next)
    {
        Turned(); // a phase change is progress: a long restore must not count against the next turn
        phase = next;
    }

    internal void Assigned(int count) => Volatile.Write(ref partitions, count);

    internal void Restoring(long records)
    {
        Interlocked.Exchange(ref restored, 0);
        Interlocked.Exchange(ref toRestore, records);
        Turned();
    }

    /// <summary>A restore's progress; it counts as the loop going round, since a restore holds the loop.</summary>
    internal void Restored(long records)
    {
        Interlocked.Add(ref restored, records);
        Turned();
    }

    internal void Measured(long messages) => Interlocked.Exchange(ref lag, messages);

    internal void Stop(Exception? reason)
    {
        stopReason = reason;
        Enter(ProcessorPhase.Stopped);
    }

    /// <summary>The name, phase, partitions and lag (and a restore's progress while restoring), for logs and health reports.</summary>
    public override string ToString() =>
        StopReason is { } reason ? $"{Name}: {Phase} ({reason.GetType().Name}: {reason.Message})"
        : Phase == ProcessorPhase.Restoring && RecordsToRestore > 0 ? $"{Name}: {Phase}, {AssignedPartitions} partition(s), {RestoredRecords} of {RecordsToRestore} changelog records restored"
        : $"{Name}: {Phase}, {AssignedPartitions} partition(s), lag {Lag}";
}
