using System.Diagnostics;
using System.Text;

namespace Pipelines.FrontDoor.Tests.Infrastructure;

/// <summary>Runs the dotnet CLI as a user would, in a directory outside this repository.</summary>
internal static class Dotnet
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c>; fails the test unless it exits as <paramref name="expectSuccess"/> says. Returns stdout and stderr.</summary>
    public static async Task<string> Run(string directory, string arguments, bool expectSuccess, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // A fresh project must not pick up this repository's build settings, nor the test host's MSBuild.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = Pump(process.StandardOutput, output);
        var stderr = Pump(process.StandardError, output);
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {arguments} did not finish in {Patience.TotalMinutes} minutes:\n{output}");
        }

        await Task.WhenAll(stdout, stderr);
        var text = output.ToString();
        if (expectSuccess != (process.ExitCode == 0))
        {
            Assert.Fail($"dotnet {arguments} in {directory} exited with {process.ExitCode}:\n{text}");
        }

        return text;
    }

    private static async Task Pump(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
