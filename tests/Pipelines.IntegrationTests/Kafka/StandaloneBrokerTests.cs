using Confluent.Kafka;

namespace Pipelines.IntegrationTests.Kafka;

/// <summary>The embedded cluster run on its own (src/Pipelines.EmbeddedBroker), reached from other processes.</summary>
public class StandaloneBrokerTests
{
    private const string BootstrapPrefix = "Bootstrap servers: ";
    private const int Sigterm = 15;

    [Fact]
    public async Task A_standalone_broker_serves_clients_in_other_processes_and_stops_cleanly_on_SIGTERM()
    {
        using var broker = Start("--brokers 2 --topic telemetry:3");
        var bootstrap = await ReadBootstrap(broker);

        using var kcat = ChildProcess.Start("kcat", $"-b {bootstrap} -P -t telemetry -K :");
        await kcat.WriteInputAndClose("car-1:from kcat\n");
        var kcatExit = await kcat.WaitForExit();

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

        Assert.True(kcatExit == 0, kcat.Errors);
        Assert.Equal(("car-1", "from kcat"), (read?.Message.Key, read?.Message.Value));
        Assert.Equal(3, metadata.Topics.Single().Partitions.Count);
        Assert.Equal(2, metadata.Brokers.Count);

        broker.Signal(Sigterm);
        Assert.Equal(0, await broker.WaitForExit());
        Assert.Contains("Embedded Kafka stopped.", broker.Errors);
    }

    [Fact]
    public async Task A_bad_argument_is_refused_with_the_usage()
    {
        using var broker = Start("--topic telemetry:zero");
        var exitCode = await broker.WaitForExit();

        Assert.Equal(2, exitCode);
        Assert.Contains("--topic is 'telemetry:zero'", broker.Errors);
    }

    private static ChildProcess Start(string arguments)
    {
        // The project reference builds it beside this one: tests/X/bin/<configuration>/<tfm> ↔ src/Y/bin/<configuration>/<tfm>.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName, "src", "Pipelines.EmbeddedBroker", "bin", output.Parent.Name, output.Name, "Pipelines.EmbeddedBroker.dll");
        Assert.True(File.Exists(path), $"the standalone broker is built at {path}");
        return ChildProcess.Start("dotnet", $"\"{path}\" {arguments}");
    }

    private static async Task<string> ReadBootstrap(ChildProcess broker)
    {
        var line = await broker.ReadLine();
        Assert.StartsWith(BootstrapPrefix, line);
        return line[BootstrapPrefix.Length..];
    }
}
