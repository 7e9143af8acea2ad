using System.Diagnostics;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>At least once with buffers, proved by killing a real host process (SIGKILL) with rows in its buffer.</summary>
public class CrashTests
{
    [Fact]
    public async Task A_host_killed_with_rows_in_its_buffer_loses_none_of_them()
    {
        using var harness = new KafkaHarness(partitions: 1);
        await harness.Produce(KafkaHarness.Readings(0, 50).Select(r => { r.Sensor = "sensor-0"; return r; }));

        // The host handles rows 0-29 (a full buffer of thirty), writes them ten per message and commits them; rows
        // 30-49 wait in its input buffer, whose timeout is an hour, when it is killed.
        var allBuffered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = CrashHost.Start("BufferedDoubler", harness.Kafka.BootstrapServers, line =>
        {
            if (line == "buffered 50")
            {
                allBuffered.TrySetResult();
            }
        });
        try
        {
            await allBuffered.Task.WaitAsync(KafkaHarness.Patience);
            var committed = 0L;
            var deadline = DateTime.UtcNow + KafkaHarness.Patience;
            while (committed < 30 && DateTime.UtcNow < deadline)
            {
                committed = harness.CommittedTotal("crash-doubler", partitions: 1);
            }

            Assert.Equal(30, committed);
        }
        finally
        {
            host.Kill();
            await host.WaitForExit();
        }

        var beforeRestart = harness.ReadDoubledRows(30);
        Assert.Equal(3, beforeRestart.Count);
        Assert.Equal(30, harness.CommittedTotal("crash-doubler", partitions: 1));

        // The next owner of the group starts after the last commit: the twenty buffered rows, none twice.
        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { Name = "crash-doubler", GroupId = "crash-doubler", InputBuffer = new BufferOptions { MaxRows = 30, Timeout = TimeSpan.FromMilliseconds(100) } };
        var twice = new TestProcessor<Reading, Doubled> { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 }) };
        var run = new ProcessorRunner<Reading, Doubled>(options, twice).RunAsync(stop.Token);
        var all = harness.ReadDoubledRows(50);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), all.SelectMany(m => m.Rows).Select(r => r.Time).Order());
        Assert.Equal(50, harness.CommittedTotal("crash-doubler", partitions: 1));
    }
}
