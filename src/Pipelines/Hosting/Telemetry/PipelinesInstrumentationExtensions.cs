using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pipelines.Processing;

namespace OpenTelemetry;

/// <summary>
/// Turns on Pipelines' spans and metrics in OpenTelemetry:
/// <c>services.AddOpenTelemetry().WithTracing(t =&gt; t.AddPipelinesInstrumentation()).WithMetrics(m =&gt; m.AddPipelinesInstrumentation())</c>.
/// </summary>
public static class PipelinesInstrumentationExtensions
{
    /// <summary>Records the spans of processed and written messages (the <c>Pipelines</c> activity source).</summary>
    public static TracerProviderBuilder AddPipelinesInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(PipelinesTelemetry.Name);
    }

    /// <summary>Collects the processors' metrics (the <c>Pipelines</c> meter).</summary>
    public static MeterProviderBuilder AddPipelinesInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(PipelinesTelemetry.Name);
    }
}
