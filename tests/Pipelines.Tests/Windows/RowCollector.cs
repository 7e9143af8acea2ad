using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Windows;

/// <summary>Built-in collect through generated code: each one-second window's rows, summed when it closes.</summary>
[Processor(InputTopic = "collector-in", OutputTopic = "collector-out")]
[Window(Tumbling = "00:00:01")]
public partial class RowCollector
{
    public WindowResult Emit(WindowInfo window, IReadOnlyList<CarTelemetry> rows) => new()
    {
        Key = window.Key,
        Start = window.StartTimestamp,
        End = window.EndTimestamp,
        Count = rows.Count,
        Sum = rows.Sum(r => r.Speed),
    };
}
