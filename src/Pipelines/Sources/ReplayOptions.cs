using Microsoft.Extensions.Logging;

namespace Pipelines.Sources;

/// <summary>How a <see cref="ReplaySource{T}"/> writes a file's rows.</summary>
public sealed record ReplayOptions
{
    /// <summary>As fast as the target takes them (the default), or at the pace of the rows' timestamps.</summary>
    public ReplayPace Pace { get; init; }

    /// <summary>With <see cref="ReplayPace.Timestamps"/>, how many times faster than recorded (2: a minute of data in 30 s); positive.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>
    /// Stamp the rows as if the session were recorded now: every timestamp moved by the same amount, so the first row's
    /// is the moment the replay starts and the rows keep their spacing. Windows, state lifetimes and lag then see live
    /// data. Off by default: rows keep the times they were recorded with.
    /// </summary>
    public bool ShiftTimestamps { get; init; }

    /// <summary>What happens to a row that is not a row of the contract (a value of the wrong kind, a required value missing).</summary>
    public ReplayBadRow OnBadRow { get; init; }

    /// <summary>Where skipped rows are reported (log 1004), with <see cref="ReplayBadRow.Skip"/>.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The clock the pace is kept by; the system's by default (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws with the name of the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Speed > 0) || double.IsInfinity(Speed))
        {
            throw new ArgumentOutOfRangeException(nameof(Speed), Speed, "The replay speed must be a positive number (1 is the recorded pace).");
        }

        if (!Enum.IsDefined(Pace))
        {
            throw new ArgumentOutOfRangeException(nameof(Pace), Pace, "Unknown replay pace.");
        }

        if (!Enum.IsDefined(OnBadRow))
        {
            throw new ArgumentOutOfRangeException(nameof(OnBadRow), OnBadRow, "Unknown bad-row policy.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}

/// <summary>How fast a replay writes.</summary>
public enum ReplayPace
{
    /// <summary>Every row as soon as the target takes it.</summary>
    AsFastAsPossible,

    /// <summary>Each row when as much time has passed since the first as between their timestamps (divided by <see cref="ReplayOptions.Speed"/>).</summary>
    Timestamps,
}

/// <summary>What a replay does with a row it cannot read as the contract.</summary>
public enum ReplayBadRow
{
    /// <summary>Stop with a <see cref="ReplayRowException"/> naming the file, the row and the field (the default): a recording is fixed, not half replayed.</summary>
    Stop,

    /// <summary>Skip it, count it (<see cref="ReplayProgress.Skipped"/>) and log why, and go on.</summary>
    Skip,
}
