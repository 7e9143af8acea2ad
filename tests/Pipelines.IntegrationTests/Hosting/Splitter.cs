using Pipelines.IntegrationTests.Kafka;

namespace Pipelines.IntegrationTests.Hosting;

/// <summary>A batch handler with several outputs per row, returned asynchronously.</summary>
[Processor]
public partial class Splitter
{
    public async ValueTask<IEnumerable<Portion>> Handle(IReadOnlyList<Doubled> rows, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return rows.SelectMany(row => new[]
        {
            new Portion { Time = row.Time, Sensor = row.Sensor, Index = 0, Value = row.Value / 2 },
            new Portion { Time = row.Time, Sensor = row.Sensor, Index = 1, Value = row.Value / 2 },
        }).ToList();
    }
}

/// <summary>An asynchronous batch sink; it records each call's rows. Its attribute sets runtime settings.</summary>
[Processor(MaxRetries = 1, RetryBackoff = "00:00:00.010", CommitInterval = "00:00:01", MaxBatchSize = 500, MaxMessageBytes = 500000, SplitTimeout = "00:00:30", StreamIdleTimeout = "00:10:00")]
public partial class PortionCollector
{
    public static System.Collections.Concurrent.ConcurrentQueue<(string Key, Portion[] Rows)> Batches { get; } = new();

    public static SemaphoreSlim Arrived { get; } = new(0);

    public Task Handle(IReadOnlyList<Portion> rows, Pipelines.StreamContext context)
    {
        Batches.Enqueue((System.Text.Encoding.UTF8.GetString(context.KeyBytes.Span), rows.ToArray()));
        Arrived.Release(rows.Count);
        return Task.CompletedTask;
    }
}
