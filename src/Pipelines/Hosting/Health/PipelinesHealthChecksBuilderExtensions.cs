using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipelines.Hosting;
using Pipelines.Hosting.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Pipelines health checks.</summary>
public static class PipelinesHealthChecksBuilderExtensions
{
    /// <summary>The name of the liveness check.</summary>
    public const string LivenessName = "pipelines-live";

    /// <summary>The name of the readiness check.</summary>
    public const string ReadinessName = "pipelines-ready";

    /// <summary>The tag of the liveness check, to select it (<c>MapHealthChecks("/health/live", new() { Predicate = c =&gt; c.Tags.Contains("live") })</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>The tag of the readiness check.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds two checks over every processor the host runs: <c>pipelines-live</c> (tag <c>live</c>): no processor was
    /// stopped by a failure and every loop goes round; and <c>pipelines-ready</c> (tag <c>ready</c>): every processor
    /// has its partitions, its state restored and, if <see cref="PipelinesHealthCheckOptions.MaxLag"/> is set, its lag
    /// within it.
    /// </summary>
    /// <param name="builder">The builder <c>services.AddHealthChecks()</c> returned.</param>
    /// <param name="configure">Sets the lag bound and the stall timeout.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PipelinesHealthCheckOptions.MaxLag"/> is negative, or <see cref="PipelinesHealthCheckOptions.StallTimeout"/> is not positive.</exception>
    public static IHealthChecksBuilder AddPipelines(this IHealthChecksBuilder builder, Action<PipelinesHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PipelinesHealthCheckOptions();
        configure?.Invoke(options);
        if (options.MaxLag < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.MaxLag, "MaxLag cannot be negative.");
        }

        if (options.StallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.StallTimeout, "StallTimeout must be positive.");
        }

        PipelinesStatus.In(builder.Services);
        builder.Add(new HealthCheckRegistration(LivenessName, provider => new PipelinesHealthCheck(provider.GetRequiredService<PipelinesStatus>(), p => PipelinesHealthCheck.NotAlive(p, options), "alive"), HealthStatus.Unhealthy, [LiveTag]));
        builder.Add(new HealthCheckRegistration(ReadinessName, provider => new PipelinesHealthCheck(provider.GetRequiredService<PipelinesStatus>(), p => PipelinesHealthCheck.NotReady(p, options), "ready"), HealthStatus.Unhealthy, [ReadyTag]));
        return builder;
    }
}
