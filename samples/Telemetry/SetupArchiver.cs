using Pipelines;

namespace Telemetry;

/// <summary>A sink for the setup sheets: each arrived in chunks and is handed over whole.</summary>
[Processor]
public partial class SetupArchiver
{
    public void Handle(CarSetup setup, StreamContext context)
    {
        Interlocked.Increment(ref SampleCounters.Setups);
        var firstLine = System.Text.Encoding.ASCII.GetString(setup.Sheet, 0, Array.IndexOf(setup.Sheet, (byte)'\n'));
        Console.WriteLine($"SETUP  {setup.CarId}  {setup.Sheet.Length / 1e6:F1} MB joined from chunks: {firstLine}");
    }
}
