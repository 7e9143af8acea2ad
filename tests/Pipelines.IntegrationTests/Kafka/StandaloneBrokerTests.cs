using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;
using Pipelines.IntegrationTests.Hosting;
using Pipelines.IntegrationTests.Processing;

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
    public async Task A_host_on_the_standalone_broker_creates_its_topics_with_their_partitions_and_gives_consumers_a_short_session()
    {
        using var broker = Start("");
        var bootstrap = await ReadBootstrap(broker);
        var log = new ListLogger();

        for (var run = 0; run < 2; run++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders().AddProvider(new ListLoggerProvider(log));
            builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", bootstrap), new("Pipelines:TopicPartitions", "2")]);
            builder.Services.AddSingleton(new HostingTests.Scaler.Factor(3));
            builder.Services.AddProcessor<HostingTests.Scaler>(builder.Configuration);
            using var host = builder.Build();
            await host.StartAsync().WithinPatience();
            var connection = host.Services.GetRequiredService<KafkaConnection>();

            // The processor made them with Pipelines:TopicPartitions, not the mock's 4 (a second run finds and keeps them).
            Assert.Equal((2, 2, 2), await PartitionsOnceCreated(bootstrap, "readings", "doubled", "readings.dlq"));
            Assert.False(connection.IsEmbedded);
            Assert.Equal("3000", connection.ConsumerDefaults["session.timeout.ms"]);

            // Each run doubles its own readings: the restarted member is given the partitions and reads on from the commit.
            using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
            {
                foreach (var reading in KafkaHarness.Readings(run * 10, 10))
                {
                    await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading) });
                }
            }

            var outputs = TopicReader.Read<Ignore>(bootstrap, "doubled", (run + 1) * 10).Select(r => MessageSerializer.Deserialize<Doubled>(r.Message.Value).Value);
            Assert.Equal(Enumerable.Range(0, (run + 1) * 10).Select(i => i * 3.0), outputs.Order());
            await host.StopAsync().WithinPatience();
        }

        Assert.Empty(log.At(LogLevel.Warning));
        var socket = Pipelines.Kafka.Embedded.EmbeddedKafkaControl.SocketPath(bootstrap);
        Assert.True(File.Exists(socket));
        broker.Signal(Sigterm);
        Assert.Equal(0, await broker.WaitForExit());
        Assert.False(File.Exists(socket), "the broker removes its control socket when it stops");
    }

    [Fact]
    public async Task A_cluster_that_cannot_create_topics_gets_them_on_first_use()
    {
        // The standalone broker without its control socket: to the host, a cluster with no controller to create topics.
        using var broker = Start("");
        var bootstrap = await ReadBootstrap(broker);
        File.Delete(Pipelines.Kafka.Embedded.EmbeddedKafkaControl.SocketPath(bootstrap));
        var log = new ListLogger();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Pipelines:BootstrapServers", bootstrap)]).Build();
        using var connection = new KafkaConnection(PipelinesSettings.Read(configuration), new TypedLogger(log));

        await connection.EnsureTopicsAsync(["absent"], CancellationToken.None);

        Assert.Contains(log.At(LogLevel.Warning), message => message.StartsWith("Could not create topics absent", StringComparison.Ordinal));
        Assert.Empty(connection.ConsumerDefaults);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        var delivered = await producer.ProduceAsync("absent", new Message<Null, string> { Value = "created on first use" });
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        broker.Signal(Sigterm);
        Assert.Equal(0, await broker.WaitForExit());
    }

    /// <summary>A <see cref="ListLogger"/> under the type <see cref="KafkaConnection"/> takes.</summary>
    private sealed class TypedLogger(ListLogger inner) : ILogger<KafkaConnection>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--brokers 3 -h")]
    public async Task Help_prints_the_usage_and_options_and_exits_normally(string arguments)
    {
        using var broker = Start(arguments);
        var exitCode = await broker.WaitForExit();

        Assert.Equal(0, exitCode);
        Assert.StartsWith("usage: Pipelines.EmbeddedBroker", broker.Output, StringComparison.Ordinal);
        Assert.Contains("--bootstrap-file path", broker.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex("^Bootstrap servers: 127", System.Text.RegularExpressions.RegexOptions.Multiline), broker.Output); // no broker started
    }

    [Fact]
    public async Task A_bad_argument_is_refused_with_the_usage()
    {
        using var broker = Start("--topic telemetry:zero");
        var exitCode = await broker.WaitForExit();

        Assert.Equal(2, exitCode);
        Assert.Contains("--topic is 'telemetry:zero'", broker.Errors);
    }

    /// <summary>The partition counts of three topics, once all three exist (the processor creates them as it starts).</summary>
    private static async Task<(int, int, int)> PartitionsOnceCreated(string bootstrap, string first, string second, string third)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var deadline = DateTime.UtcNow + Bounded.Patience;
        while (true)
        {
            var partitions = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
            if (partitions.ContainsKey(first) && partitions.ContainsKey(second) && partitions.ContainsKey(third))
            {
                return (partitions[first], partitions[second], partitions[third]);
            }

            Assert.True(DateTime.UtcNow < deadline, $"'{first}', '{second}' and '{third}' were not created; topics: {string.Join(", ", partitions.Keys)}");
            await Task.Delay(20); // polls a condition with a deadline, like every wait here
        }
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
