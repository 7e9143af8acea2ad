namespace Pipelines.CrashHost;

[Topic("readings")]
public partial class Reading
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Value { get; set; }
}

/// <summary>Written ten rows per message.</summary>
[Topic("doubled")]
[Buffer(MaxRows = 10, Timeout = "01:00:00")]
public partial class Doubled
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Value { get; set; }
}

/// <summary>
/// Handles its input thirty rows at a time and never flushes a smaller buffer on its own (the timeout is an hour),
/// so the rows after the last full thirty wait in its buffer until the process is killed. Prints a line for each
/// row that enters the buffer, so the test knows when they all have.
/// </summary>
[Processor(GroupId = "crash-doubler", CommitInterval = "00:00:00.100")]
[Buffer(MaxRows = 30, Timeout = "01:00:00", Filter = nameof(Announce))]
public partial class BufferedDoubler
{
    private int buffered;

    private bool Announce(Reading row)
    {
        Console.WriteLine($"buffered {++buffered}");
        return true;
    }

    public IEnumerable<Doubled> Handle(IReadOnlyList<Reading> rows) =>
        rows.Select(r => new Doubled { Time = r.Time, Sensor = r.Sensor, Value = r.Value * 2 });
}
