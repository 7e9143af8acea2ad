using Pipelines;

namespace Telemetry;

/// <summary>
/// Each car's average and top speed over every ten seconds of data: a tumbling window that keeps built-in statistics
/// of one parameter, written once when the car's data moves past it (or, should the car fall silent, five seconds
/// later on the wall clock).
/// </summary>
[Processor]
[Window(Tumbling = "00:00:10", Grace = "00:00:01", CloseAfterIdle = "00:00:05", Of = nameof(Speed))]
public partial class SpeedStats
{
    private static double Speed(CarTelemetry row) => row.Speed;

    public CarSummary Emit(WindowInfo window, WindowStats speed) => CarSummary.Of("10 s", window, speed);
}
