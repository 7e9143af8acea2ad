using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipelines.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server (./test.sh installs the postgresql package),
/// initialised in a temporary directory and started on a free loopback port; stopped and deleted on dispose. As root it
/// runs as the postgres user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string bin;
    private readonly string directory;
    private readonly int port;

    private PostgresServer(string bin, string directory, int port)
    {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
    }

    /// <summary>A connection string of the cluster's superuser to its <c>postgres</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=pipelines;Database=postgres";

    private string Data => Path.Combine(directory, "data");

    /// <summary>Initialises and starts a cluster.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL's server is not installed.</exception>
    public static PostgresServer Start()
    {
        var bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(version => Path.Combine(version, "bin"))
            .OrderByDescending(path => path, StringComparer.Ordinal)
            .FirstOrDefault(path => File.Exists(Path.Combine(path, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL's server is not installed: ./test.sh installs it (Debian's postgresql package).");
        var directory = Path.Combine(Path.GetTempPath(), "pipelines-postgres-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var server = new PostgresServer(bin, directory, FreePort());
        if (Environment.UserName == "root")
        {
            Run("chown", $"postgres:postgres {directory}");
        }

        server.As("initdb", $"-D {server.Data} -A trust -U pipelines -N");
        server.Resume();
        return server;
    }

    /// <summary>Stops the server (a database that is away), keeping its data.</summary>
    public void Pause() => As("pg_ctl", $"-D {Data} -m fast -w stop");

    /// <summary>Starts the server again on its port.</summary>
    public void Resume() =>
        As("pg_ctl", $"-D {Data} -l {Path.Combine(directory, "log")} -o \"-p {port} -k {directory} -c listen_addresses=127.0.0.1\" -w start");

    public void Dispose()
    {
        try
        {
            As("pg_ctl", $"-D {Data} -m immediate -w stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(directory, recursive: true);
    }

    private void As(string tool, string arguments)
    {
        var path = Path.Combine(bin, tool);
        if (Environment.UserName == "root")
        {
            Run("runuser", $"-u postgres -- {path} {arguments}");
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string fileName, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {arguments} exited with {process.ExitCode}: {output.Result}{errors.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
