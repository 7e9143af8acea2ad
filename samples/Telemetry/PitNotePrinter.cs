using Pipelines;

namespace Telemetry;

/// <summary>A sink for a JSON topic another service writes: prints each pit-wall note.</summary>
[Processor]
public partial class PitNotePrinter
{
    public void Handle(PitNote note)
    {
        Interlocked.Increment(ref SampleCounters.PitNotes);
        Console.WriteLine($"NOTE   {note.CarId}  {note.Note} (lap {note.Lap})");
    }
}
