using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Hosting;
using Pipelines.Processing;

namespace Pipelines.Tests.Hosting;

/// <summary>What the Pipelines liveness and readiness checks report for each phase of a processor's life.</summary>
public class HealthCheckTests
{
    private readonly FakeTimeProvider time = new();
    private readonly PipelinesStatus status = new();

    [Fact]
    public async Task A_processor_is_alive_from_its_start_and_ready_only_once_running()
    {
        var processor = status.Add("Enricher", time);
        var seen = new List<(HealthStatus Live, HealthStatus Ready)>();
        foreach (var phase in new[] { ProcessorPhase.Starting, ProcessorPhase.Joining, ProcessorPhase.Restoring, ProcessorPhase.Running })
        {
            processor.Enter(phase);
            time.Advance(TimeSpan.FromMinutes(10)); // a long restore is progress, not a stall
            if (phase == ProcessorPhase.Running)
            {
                processor.Turned();
            }

            seen.Add(((await Check(PipelinesHealthChecksBuilderExtensions.LiveTag)).Status, (await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag)).Status));
        }

        Assert.Equal(
            [
                (HealthStatus.Healthy, HealthStatus.Unhealthy),
                (HealthStatus.Healthy, HealthStatus.Unhealthy),
                (HealthStatus.Healthy, HealthStatus.Unhealthy),
                (HealthStatus.Healthy, HealthStatus.Healthy),
            ],
            seen);
        var report = await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag);
        Assert.Equal("Enricher: Running, 0 partition(s), lag 0", report.Entries[PipelinesHealthChecksBuilderExtensions.ReadinessName].Data["Enricher"]);
    }

    [Fact]
    public async Task Readiness_names_the_processors_not_ready_and_why()
    {
        status.Add("Enricher", time).Enter(ProcessorPhase.Restoring);
        var lagging = status.Add("Correlator", time);
        lagging.Enter(ProcessorPhase.Running);
        lagging.Measured(5_001);

        var report = await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag, o => o.MaxLag = 5_000);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal("Enricher is restoring; Correlator lags 5001 messages (MaxLag 5000)", report.Entries[PipelinesHealthChecksBuilderExtensions.ReadinessName].Description);

        // A restore under way says how far it got.
        status.Processors[0].Restoring(100_000);
        status.Processors[0].Restored(40_000);
        Assert.Equal("Enricher is restoring (40000 of 100000 changelog records); Correlator lags 5001 messages (MaxLag 5000)", (await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag, o => o.MaxLag = 5_000)).Entries[PipelinesHealthChecksBuilderExtensions.ReadinessName].Description);
        Assert.Equal("Enricher: Restoring, 0 partition(s), 40000 of 100000 changelog records restored", status.Processors[0].ToString());

        lagging.Measured(5_000);
        status.Processors[0].Enter(ProcessorPhase.Running);
        Assert.Equal(HealthStatus.Healthy, (await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag, o => o.MaxLag = 5_000)).Status);
    }

    [Fact]
    public async Task Lag_counts_for_readiness_only_when_a_bound_is_set()
    {
        var processor = status.Add("Enricher", time);
        processor.Enter(ProcessorPhase.Running);
        processor.Measured(1_000_000);

        Assert.Equal(HealthStatus.Healthy, (await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag)).Status);
    }

    [Fact]
    public async Task A_processor_stopped_by_a_failure_is_not_alive_and_the_report_says_why()
    {
        status.Add("Healthy", time).Enter(ProcessorPhase.Running);
        status.Add("Broken", time).Stop(new ProcessorStoppedException("Broken", new Confluent.Kafka.TopicPartitionOffset("in", 0, 7), new InvalidOperationException("bad row")));

        var report = await Check(PipelinesHealthChecksBuilderExtensions.LiveTag);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var description = report.Entries[PipelinesHealthChecksBuilderExtensions.LivenessName].Description!;
        Assert.StartsWith("Broken stopped: ProcessorStoppedException: ", description);
        Assert.DoesNotContain("Healthy", description);
    }

    [Fact]
    public async Task A_processor_the_host_stopped_is_alive_but_not_ready()
    {
        status.Add("Enricher", time).Stop(null);

        Assert.Equal(HealthStatus.Healthy, (await Check(PipelinesHealthChecksBuilderExtensions.LiveTag)).Status);
        Assert.Equal(HealthStatus.Unhealthy, (await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag)).Status);
    }

    [Fact]
    public async Task A_running_loop_that_stops_going_round_is_not_alive_after_the_stall_timeout()
    {
        var processor = status.Add("Enricher", time);
        processor.Enter(ProcessorPhase.Running);

        time.Advance(TimeSpan.FromSeconds(30));
        var before = await Check(PipelinesHealthChecksBuilderExtensions.LiveTag, o => o.StallTimeout = TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromTicks(1));
        var after = await Check(PipelinesHealthChecksBuilderExtensions.LiveTag, o => o.StallTimeout = TimeSpan.FromSeconds(30));
        processor.Turned();
        var again = await Check(PipelinesHealthChecksBuilderExtensions.LiveTag, o => o.StallTimeout = TimeSpan.FromSeconds(30));

        Assert.Equal((HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Healthy), (before.Status, after.Status, again.Status));
        Assert.Contains("Enricher has not gone round its loop", after.Entries[PipelinesHealthChecksBuilderExtensions.LivenessName].Description);
    }

    [Theory]
    [InlineData(-1L, 60)]
    [InlineData(null, 0)]
    public void Out_of_range_options_are_refused_at_registration(long? maxLag, int stallSeconds)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddPipelines(o =>
        {
            o.MaxLag = maxLag;
            o.StallTimeout = TimeSpan.FromSeconds(stallSeconds);
        }));
    }

    [Fact]
    public async Task With_no_processors_both_checks_are_healthy()
    {
        Assert.Equal(HealthStatus.Healthy, (await Check(PipelinesHealthChecksBuilderExtensions.LiveTag)).Status);
        Assert.Equal(HealthStatus.Healthy, (await Check(PipelinesHealthChecksBuilderExtensions.ReadyTag)).Status);
    }

    private async Task<HealthReport> Check(string tag, Action<Pipelines.Hosting.Health.PipelinesHealthCheckOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(status);
        services.AddHealthChecks().AddPipelines(configure);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains(tag));
    }
}
