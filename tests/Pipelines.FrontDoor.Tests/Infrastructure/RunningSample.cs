using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Pipelines.Testing;

namespace Pipelines.FrontDoor.Tests.Infrastructure;

/// <summary>
/// The telemetry sample as a user runs it, built by this solution and started in a directory of its own (its SQLite
/// archive lands there), serving its dashboard on a free loopback port; stopped with SIGTERM, as Ctrl+C or a container
/// runtime stops it.
/// </summary>
internal sealed class RunningSample : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<string> url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task pumps;

    private RunningSample(Process process)
    {
        this.process = process;
        pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    /// <summary>The dashboard's address, as the sample printed it.</summary>
    public string Url => url.Task.Result;

    /// <summary>What the sample printed so far.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<RunningSample> StartAsync(string directory)
    {
        // This test project's configuration (bin/<Configuration>/<framework>) is the one the solution built the sample in.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var program = Path.Combine(Repository.Root, "samples", "Telemetry", "bin", configuration, "net10.0", "Telemetry.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        var sample = new RunningSample(Process.Start(start)!);
        try
        {
            await sample.url.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            await sample.DisposeAsync();
            throw new TimeoutException($"The sample printed no dashboard address in {Patience.TotalSeconds} s:\n{sample.Output}");
        }

        return sample;
    }

    /// <summary>Stops the sample as Ctrl+C would and returns its exit code once it ended.</summary>
    public async Task<int> StopAsync()
    {
        if (!process.HasExited)
        {
            _ = Terminate(process.Id, SigTerm);
        }

        await process.WaitForExitAsync().WaitAsync(Patience);
        await pumps;
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.StartsWith("Dashboard: ", StringComparison.Ordinal))
            {
                url.TrySetResult(line["Dashboard: ".Length..].Split(", ")[0]);
            }
        }

        url.TrySetException(new InvalidOperationException("The sample ended before it served its dashboard:\n" + Output));
    }

    private const int SigTerm = 15;

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one call
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Terminate(int pid, int signal);
#pragma warning restore SYSLIB1054
}
