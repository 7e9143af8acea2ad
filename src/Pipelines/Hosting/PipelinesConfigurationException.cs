namespace Pipelines.Hosting;

/// <summary>A setting in the <c>Pipelines</c> configuration section is unknown or invalid; the message names its key.</summary>
public sealed class PipelinesConfigurationException(string key, string problem)
    : Exception($"Configuration key '{key}' {problem}.")
{
    /// <summary>The full key, for example <c>Pipelines:Processors:BrakeMonitor:MaxRetries</c>.</summary>
    public string Key { get; } = key;
}
