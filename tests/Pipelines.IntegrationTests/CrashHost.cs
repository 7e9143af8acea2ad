namespace Pipelines.IntegrationTests;

/// <summary>Starts tests/Pipelines.CrashHost, a real host process the crash tests kill with SIGKILL.</summary>
internal static class CrashHost
{
    /// <summary>Runs <paramref name="processor"/> alone against <paramref name="bootstrapServers"/>, with any further <c>--key=value</c> settings.</summary>
    public static ChildProcess Start(string processor, string bootstrapServers, Action<string> onLine, params string[] settings)
    {
        // tests/Pipelines.IntegrationTests/bin/<configuration>/<framework>/ → the same folders of Pipelines.CrashHost.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.FullName, "Pipelines.CrashHost", "bin", output.Parent.Name, output.Name, "Pipelines.CrashHost.dll");
        var arguments = string.Join(' ', [
            $"\"{path}\"",
            $"--Crash:Processor={processor}",
            $"--Pipelines:BootstrapServers={bootstrapServers}",
            "--Logging:LogLevel:Default=Warning",

            // librdkafka's mock coordinator ignores LeaveGroup: the killed member's session must expire before the next owner joins.
            $"--Pipelines:Processors:{processor}:Kafka:session.timeout.ms=3000",
            $"--Pipelines:Processors:{processor}:Kafka:heartbeat.interval.ms=500",
            .. settings,
        ]);
        return ChildProcess.Start("dotnet", arguments, onLine);
    }
}
