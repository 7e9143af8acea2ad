using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;

namespace Pipelines.IntegrationTests;

/// <summary>
/// A program the tests run beside them (kcat, the standalone broker, a crash host). All three standard streams are
/// redirected, so a child never holds the test host's own output open, and one left running is killed with its
/// process tree on dispose; every wait is bounded by <see cref="Bounded.Patience"/>.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process process;
    private readonly Channel<string> lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder output = new();
    private readonly StringBuilder errors = new();

    private ChildProcess(string fileName, string arguments, Action<string>? onLine, string? workingDirectory)
    {
        process = new Process
        {
            StartInfo = new ProcessStartInfo(fileName, arguments)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? "",
            },
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                lines.Writer.TryComplete();
                return;
            }

            lock (output)
            {
                output.Append(line).Append('\n');
            }

            onLine?.Invoke(line);
            lines.Writer.TryWrite(line);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.Append(e.Data).Append('\n');
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"{fileName} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public int ExitCode => process.ExitCode;

    /// <summary>What the child wrote to its standard output, one line per <c>\n</c>.</summary>
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

    /// <summary>What the child wrote to its standard error.</summary>
    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> (in <paramref name="workingDirectory"/>, else this process's); <paramref name="onLine"/> sees each line of its output as it comes.</summary>
    public static ChildProcess Start(string fileName, string arguments, Action<string>? onLine = null, string? workingDirectory = null) => new(fileName, arguments, onLine, workingDirectory);

    /// <summary>Writes <paramref name="text"/> to the child's standard input and closes it.</summary>
    public async Task WriteInputAndClose(string text)
    {
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
    }

    /// <summary>The next line of output, or a failure if none comes within <see cref="Bounded.Patience"/>.</summary>
    public async Task<string> ReadLine()
    {
        using var timeout = new CancellationTokenSource(Bounded.Patience);
        try
        {
            return await lines.Reader.ReadAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"{process.StartInfo.FileName} wrote no further line. Its errors: {Errors}", exception);
        }
    }

    /// <summary>Waits for the child to exit and returns its exit code; kills it and fails if it has not exited within <see cref="Bounded.Patience"/>.</summary>
    public async Task<int> WaitForExit()
    {
        using var timeout = new CancellationTokenSource(Bounded.Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException exception)
        {
            Kill();
            throw new TimeoutException($"{process.StartInfo.FileName} {process.StartInfo.Arguments} did not exit within {Bounded.Patience.TotalSeconds:0} s. Its errors: {Errors}", exception);
        }

        return process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (SIGTERM is 15), as <c>kill</c> would, without depending on a <c>kill</c> program.</summary>
    public void Signal(int signal)
    {
        if (SendSignal(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>
    /// Sends SIGINT to the child and every process it started, as Ctrl+C in a terminal does to its foreground processes:
    /// <c>dotnet run</c> leaves the signal to the program it started.
    /// </summary>
    public void Interrupt()
    {
        const int Sigint = 2;
        foreach (var id in Descendants(process.Id).Prepend(process.Id))
        {
            SendSignal(id, Sigint);
        }
    }

    private static IEnumerable<int> Descendants(int id)
    {
        var children = Directory.Exists($"/proc/{id}/task")
            ? Directory.GetDirectories($"/proc/{id}/task").SelectMany(task => File.Exists(Path.Combine(task, "children")) ? File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
            : [];
        return children.Select(int.Parse).SelectMany(child => Descendants(child).Prepend(child)).ToList();
    }

    /// <summary>Ends the child and everything it started at once (SIGKILL).</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
