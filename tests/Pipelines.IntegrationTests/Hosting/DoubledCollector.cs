using System.Collections.Concurrent;
using Pipelines.IntegrationTests.Kafka;

namespace Pipelines.IntegrationTests.Hosting;

/// <summary>A processor without output: it consumes the Doubler's output and produces nothing.</summary>
[Processor]
public partial class DoubledCollector
{
    public static ConcurrentQueue<double> Seen { get; } = new();

    /// <summary>Released once per row, so a test can wait for rows without polling.</summary>
    public static SemaphoreSlim Arrived { get; } = new(0);

    public void Handle(Doubled row)
    {
        Seen.Enqueue(row.Value);
        Arrived.Release();
    }
}
