namespace Pipelines.Hosting.Health;

/// <summary>The data a health report carries: each processor's status line, by name.</summary>
internal static class HealthData
{
    public static IReadOnlyDictionary<string, object> Of(PipelinesStatus status) =>
        status.Processors.ToDictionary(p => p.Name, p => (object)p.ToString(), StringComparer.Ordinal);
}
