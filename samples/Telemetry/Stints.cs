using Pipelines;

namespace Telemetry;

/// <summary>
/// Each car's stints between pit stops: a session window over its rows, which pause while the car is in the pit box,
/// so a gap of two seconds ends a stint. The stint is summarised when the car is back out (its data moves on) or
/// after two quiet seconds on the wall clock, whichever comes first.
/// </summary>
[Processor]
[Window(Session = "00:00:02", CloseAfterIdle = "00:00:02", Of = nameof(Speed))]
public partial class Stints
{
    private static double Speed(CarTelemetry row) => row.Speed;

    public CarSummary Emit(WindowInfo window, WindowStats speed) => CarSummary.Of("stint", window, speed);
}
