using System.Diagnostics;

namespace Pipelines.IntegrationTests;

/// <summary>
/// The managed stack of every thread of this process, as <c>dotnet-stack</c> reports it (test.sh installs the tool): what
/// a wait that ran out of patience prints, so that a hang seen once in a full run, on a loaded machine, says where it was.
/// </summary>
internal static class ThreadStacks
{
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The report, or why there is none.</summary>
    public static async Task<string> OfThisProcess()
    {
        var tool = new[] { Environment.GetEnvironmentVariable("HOME") is { } home ? Path.Combine(home, ".dotnet", "tools", "dotnet-stack") : null }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, "dotnet-stack")))
            .FirstOrDefault(File.Exists);
        if (tool is null)
        {
            return "(no thread stacks: dotnet-stack is not installed; test.sh installs it)";
        }

        try
        {
            using var report = Process.Start(new ProcessStartInfo(tool, $"report -p {Environment.ProcessId}") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            using var timeout = new CancellationTokenSource(ReportTimeout);
            var output = report.StandardOutput.ReadToEndAsync(timeout.Token);
            await report.WaitForExitAsync(timeout.Token);
            return "Thread stacks:\n" + await output;
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"(no thread stacks: {exception.Message})";
        }
    }
}
