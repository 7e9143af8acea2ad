using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Pipelines.IntegrationTests.Kafka;

/// <summary>The embedded cluster run on its own (src/Pipelines.EmbeddedBroker), reached from other processes.</summary>
public class StandaloneBrokerTests
{
    private const string BootstrapPrefix = "Bootstrap servers: ";

    [Fact]
    public async Task A_standalone_broker_serves_clients_in_other_processes_and_stops_cleanly_on_SIGTERM()
    {
        using var broker = Start("--brokers 2 --topic telemetry:3");
        var bootstrap = await ReadBootstrap(broker);

        var kcat = Process.Start(new ProcessStartInfo("kcat", $"-b {bootstrap} -P -t telemetry -K :") { RedirectStandardInput = true })!;
        await kcat.StandardInput.WriteAsync("car-1:from kcat\n");
        kcat.StandardInput.Close();
        await kcat.WaitForExitAsync();

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "standalone",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("telemetry");
        var read = consumer.Consume(TimeSpan.FromSeconds(30));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var metadata = admin.GetMetadata("telemetry", TimeSpan.FromSeconds(10));
        consumer.Close();

        Assert.Equal(0, kcat.ExitCode);
        Assert.Equal(("car-1", "from kcat"), (read?.Message.Key, read?.Message.Value));
        Assert.Equal(3, metadata.Topics.Single().Partitions.Count);
        Assert.Equal(2, metadata.Brokers.Count);

        Assert.Equal(0, Kill(broker.Id, "TERM"));
        await broker.WaitForExitAsync();
        Assert.Equal(0, broker.ExitCode);
        Assert.Contains("Embedded Kafka stopped.", await broker.StandardError.ReadToEndAsync());
    }

    [Fact]
    public async Task A_bad_argument_is_refused_with_the_usage()
    {
        using var broker = Start("--topic telemetry:zero");
        await broker.WaitForExitAsync();

        Assert.Equal(2, broker.ExitCode);
        Assert.Contains("--topic is 'telemetry:zero'", await broker.StandardError.ReadToEndAsync());
    }

    private static Process Start(string arguments)
    {
        // The project reference builds it beside this one: tests/X/bin/<configuration>/<tfm> ↔ src/Y/bin/<configuration>/<tfm>.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName, "src", "Pipelines.EmbeddedBroker", "bin", output.Parent.Name, output.Name, "Pipelines.EmbeddedBroker.dll");
        Assert.True(File.Exists(path), $"the standalone broker is built at {path}");
        return Process.Start(new ProcessStartInfo("dotnet", $"\"{path}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true })!;
    }

    private static async Task<string> ReadBootstrap(Process broker)
    {
        var line = await broker.StandardOutput.ReadLineAsync();
        Assert.NotNull(line);
        Assert.StartsWith(BootstrapPrefix, line);
        return line[BootstrapPrefix.Length..];
    }

    private static int Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
