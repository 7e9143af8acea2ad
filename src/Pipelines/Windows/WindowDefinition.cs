using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>How a windowed processor places rows in windows. For use by generated code; not intended to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum WindowKind
{
    /// <summary>Back-to-back windows of <see cref="WindowDefinition.Size"/>.</summary>
    Tumbling,

    /// <summary>Windows of <see cref="WindowDefinition.Size"/> starting every <see cref="WindowDefinition.Hop"/>.</summary>
    Hopping,

    /// <summary>Windows of rows at most <see cref="WindowDefinition.Size"/> (the gap) apart.</summary>
    Session,

    /// <summary>A window of <see cref="WindowDefinition.Size"/> ending at each row, written as the row arrives.</summary>
    Sliding,
}

/// <summary>
/// A windowed processor's <see cref="WindowAttribute"/>, as the runtime applies it. For use by generated code; not
/// intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record WindowDefinition
{
    /// <summary>How rows are placed.</summary>
    public WindowKind Kind { get; init; }

    /// <summary>A tumbling or hopping window's size; a session window's gap.</summary>
    public TimeSpan Size { get; init; }

    /// <summary>How far apart hopping windows start; the size for the other kinds.</summary>
    public TimeSpan Hop { get; init; }

    /// <summary>How long after its end a window takes late rows.</summary>
    public TimeSpan Grace { get; init; }

    /// <summary>When results are written.</summary>
    public WindowEmit Emit { get; init; }

    /// <summary>How long a key may be quiet on the wall clock before its windows close, or <see langword="null"/>.</summary>
    public TimeSpan? CloseAfterIdle { get; init; }

    internal long SizeNanoseconds => Size.Ticks * 100;

    internal long HopNanoseconds => (Kind == WindowKind.Hopping ? Hop : Size).Ticks * 100;

    internal long GraceNanoseconds => Grace.Ticks * 100;

    /// <summary>Checks the rules the generator checks at compile time (PIPE021), for definitions written by hand.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate(string processor)
    {
        Require(Size > TimeSpan.Zero, Kind == WindowKind.Session ? "Session (the gap)" : Kind.ToString(), "must be positive");
        Require(Grace >= TimeSpan.Zero, nameof(Grace), "must not be negative");
        Require(CloseAfterIdle is not { } idle || idle > TimeSpan.Zero, nameof(CloseAfterIdle), "must be positive");
        Require(Kind != WindowKind.Sliding || Emit == WindowEmit.OnUpdate, nameof(Emit), "must be OnUpdate for sliding windows: each is written as its row arrives");
        if (Kind == WindowKind.Hopping)
        {
            Require(Hop > TimeSpan.Zero && Hop <= Size, nameof(Hop), "must be positive and at most the size");
            Require(Size.Ticks % Math.Max(1, Hop.Ticks) == 0, nameof(Hop), $"must divide the size ({Size}) evenly");
        }

        void Require(bool valid, string setting, string rule)
        {
            if (!valid)
            {
                throw new ArgumentException($"Window {setting} of processor '{processor}' {rule}.", setting);
            }
        }
    }
}
