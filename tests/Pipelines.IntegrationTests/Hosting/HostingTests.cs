using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pipelines.Publishing;
using Pipelines.Hosting;
using Pipelines.Processing;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;

namespace Pipelines.IntegrationTests.Hosting;

public class HostingTests
{
    /// <summary>A processor with a constructor dependency, written by hand rather than generated.</summary>
    public sealed class Scaler(Scaler.Factor factor) : IProcessor<Scaler, Reading, Doubled>
    {
        public static ProcessorDescriptor PipelinesDescriptor { get; } = new("Scaler", "scaler", "readings", "doubled", ProcessorFeatures.Rows);

        public Doubled Handle(Reading row) => new() { Time = row.Time, Sensor = row.Sensor, Value = row.Value * factor.Value };

        ValueTask IProcessor<Reading, Doubled>.HandleAsync(Reading row, Outputs<Doubled> outputs, StreamContext context, CancellationToken cancellationToken) =>
            outputs.Add(Handle(row));

        public sealed record Factor(double Value);
    }

    /// <summary>A hand-written sink, the second processor of a traced pipeline.</summary>
    public sealed class DoubledSink : IProcessor<DoubledSink, Doubled, NoOutput>
    {
        public static ProcessorDescriptor PipelinesDescriptor { get; } = new("DoubledSink", "doubled-sink", "doubled", null, ProcessorFeatures.Rows);

        ValueTask IProcessor<Doubled, NoOutput>.HandleAsync(Doubled row, Outputs<NoOutput> outputs, StreamContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task OpenTelemetry_sees_one_trace_from_a_TopicWriter_through_two_processors_and_metrics_by_processor()
    {
        var spans = new List<System.Diagnostics.Activity>();
        var metrics = new List<Metric>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(new Scaler.Factor(2));
        builder.Services.AddProcessor<Scaler>(builder.Configuration);
        builder.Services.AddProcessor<DoubledSink>(builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddPipelinesInstrumentation().AddInMemoryExporter(spans))
            .WithMetrics(metering => metering.AddPipelinesInstrumentation().AddInMemoryExporter(metrics));
        using var host = builder.Build();
        await host.StartAsync().WithinPatience();
        var connection = host.Services.GetRequiredService<KafkaConnection>();
        await connection.EnsureTopicsAsync(["readings", "doubled"], CancellationToken.None);

        using (var writer = new TopicWriter<Reading>(new TopicWriterOptions { BootstrapServers = connection.BootstrapServers }))
        {
            foreach (var reading in KafkaHarness.Readings(0, 3))
            {
                writer.Write(reading);
            }

            writer.Flush();
        }

        int Count(string name)
        {
            lock (spans)
            {
                return spans.Count(s => s.DisplayName == name);
            }
        }

        await Bounded.Until(() => Task.FromResult(Count("process doubled") >= 3), () => $"{Count("process readings")} processed by Scaler, {Count("process doubled")} by DoubledSink");
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        await host.StopAsync().WithinPatience();
        host.Dispose(); // the providers stop listening: other tests' spans no longer arrive while these are read

        // Each row written is one trace: the writer's send, then each processor's process span, each the child of the one before.
        // The meter and the activity source are the process's: other tests' processors report beside these, so the
        // assertions pick this test's spans and series.
        var sends = spans.Where(s => s.DisplayName == "send readings" && spans.Any(c => c.ParentSpanId == s.SpanId && Equals(c.GetTagItem("pipelines.processor"), "Scaler"))).ToList();
        Assert.Equal(3, sends.Count);
        Assert.All(sends, send =>
        {
            var trace = spans.Where(s => s.TraceId == send.TraceId).ToDictionary(s => s.DisplayName);
            Assert.Equal(["process doubled", "process readings", "send readings"], trace.Keys.Order());
            Assert.Equal(send.SpanId, trace["process readings"].ParentSpanId);
            Assert.Equal(trace["process readings"].SpanId, trace["process doubled"].ParentSpanId);
            Assert.Equal((System.Diagnostics.ActivityKind.Producer, "readings"), (send.Kind, send.GetTagItem("messaging.destination.name")));
            Assert.Equal(("Scaler", "scaler"), (trace["process readings"].GetTagItem("pipelines.processor"), trace["process readings"].GetTagItem("messaging.consumer.group.name")));
            Assert.Equal("DoubledSink", trace["process doubled"].GetTagItem("pipelines.processor"));
        });

        // Every processor's metrics carry its name, and the semantic conventions' attributes.
        var consumed = metrics.Where(m => m.Name == "messaging.client.consumed.messages").SelectMany(Points).Where(p => p.Tags["pipelines.processor"] is "Scaler" or "DoubledSink").ToList();
        Assert.Equal(
            [("DoubledSink", "doubled", "doubled-sink", 3L), ("Scaler", "readings", "scaler", 3L)],
            consumed.Select(p => ((string)p.Tags["pipelines.processor"]!, (string)p.Tags["messaging.destination.name"]!, (string)p.Tags["messaging.consumer.group.name"]!, p.Sum)).Distinct().Order()); // flushed, then exported again at disposal
        Assert.All(consumed, p => Assert.Equal(("kafka", "poll"), (p.Tags["messaging.system"], p.Tags["messaging.operation.name"])));
        var sent = metrics.Where(m => m.Name == "messaging.client.sent.messages").SelectMany(Points).GroupBy(p => (string)p.Tags["pipelines.processor"]!).ToDictionary(g => g.Key, g => g.Last());
        Assert.Equal(("doubled", 3L), (sent["Scaler"].Tags["messaging.destination.name"], sent["Scaler"].Sum));
        Assert.Equal("readings", sent["writer of readings"].Tags["messaging.destination.name"]);
        var durations = metrics.Last(m => m.Name == "messaging.process.duration");
        Assert.Equal(("s", MetricType.Histogram), (durations.Unit, durations.MetricType));
    }

    /// <summary>The latest value of each of a metric's series, with its tags.</summary>
    private static IEnumerable<(Dictionary<string, object?> Tags, long Sum)> Points(Metric metric)
    {
        var points = new List<(Dictionary<string, object?>, long)>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            points.Add((tags, point.GetSumLong()));
        }

        return points.GroupBy(p => string.Join(",", p.Item1.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"))).Select(g => g.Last());
    }

    [Fact]
    public async Task With_no_cluster_configured_a_host_runs_its_processor_on_the_embedded_broker_with_DI()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(new Scaler.Factor(10));
        builder.Services.AddProcessor<Scaler>(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync().WithinPatience();
        var connection = host.Services.GetRequiredService<KafkaConnection>();
        await connection.EnsureTopicsAsync(["readings", "doubled"], CancellationToken.None);

        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = connection.BootstrapServers }).Build())
        {
            foreach (var reading in KafkaHarness.Readings(0, 10))
            {
                await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading) });
            }
        }

        var outputs = Read(connection.BootstrapServers, "doubled", 10);
        await host.StopAsync().WithinPatience();

        Assert.True(connection.IsEmbedded);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 10.0), outputs.Select(o => MessageSerializer.Deserialize<Doubled>(o).Value).Order());
    }

    [Fact]
    public async Task The_generated_AddPipelines_runs_every_processor_of_the_assembly()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPipelines(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync().WithinPatience();
        var connection = host.Services.GetRequiredService<KafkaConnection>();
        await connection.EnsureTopicsAsync(["readings", "doubled"], CancellationToken.None);

        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = connection.BootstrapServers }).Build())
        {
            foreach (var reading in KafkaHarness.Readings(0, 5))
            {
                await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading) });
            }
        }

        var outputs = Read(connection.BootstrapServers, "doubled", 5);
        var tallies = Read(connection.BootstrapServers, "tallies", 5).Select(value => MessageSerializer.Deserialize<SensorTally>(value)).ToList();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await DoubledCollector.Arrived.WaitAsync(KafkaHarness.Patience), "The sink did not receive every row.");
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.True(await PortionCollector.Arrived.WaitAsync(KafkaHarness.Patience), "The batch sink did not receive every portion.");
        }

        // A [Sink] class is registered the same way: the doubled rows written into it once each.
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await DoubledArchive.Arrived.WaitAsync(KafkaHarness.Patience), "The declared sink did not write every row.");
        }

        Assert.Equal([0.0, 2.0, 4.0, 6.0, 8.0], DoubledArchive.Written.Order());

        await host.StopAsync().WithinPatience();

        // Keyed state through generated code: a first reading per sensor counts one, and the stop's checkpoint wrote
        // each sensor's state to the changelog named from the group.
        Assert.All(tallies, t => Assert.Equal((1, t.Time), (t.Count, (long)t.Sum)));
        var changelog = TopicReader.Read<Ignore>(connection.BootstrapServers, "running-tally.state.changelog", 5)
            .Select(r => MessageSerializer.Deserialize<Pipelines.IntegrationTests.State.Tally>(Pipelines.State.StateRecord.Decode(r.Message.Value).Value!))
            .ToList();
        Assert.Equal([0.0, 1.0, 2.0, 3.0, 4.0], changelog.Select(t => t.Sum).Order());
        Assert.All(changelog, t => Assert.Equal(1, t.Count));

        // Several outputs per row, through a batch handler: each row split in two, each call one stream's rows.
        var portions = PortionCollector.Batches.SelectMany(b => b.Rows).ToList();
        Assert.Equal(10, portions.Count);
        Assert.Equal([0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0], portions.Select(p => p.Value).Order());
        Assert.All(portions.GroupBy(p => p.Time), pair => Assert.Equal([0, 1], pair.Select(p => p.Index).Order()));
        Assert.All(PortionCollector.Batches, batch => Assert.All(batch.Rows, row => Assert.Equal(batch.Key, row.Sensor)));
        Assert.True(Splitter.PipelinesDescriptor.HandlesBatches);

        Assert.Equal([0.0, 2.0, 4.0, 6.0, 8.0], outputs.Select(o => MessageSerializer.Deserialize<Doubled>(o).Value).Order());
        Assert.Equal([0.0, 2.0, 4.0, 6.0, 8.0], DoubledCollector.Seen.Order());
        Assert.Null(DoubledCollector.PipelinesDescriptor.OutputTopic);
        Assert.Equal(("Doubler", "doubler", "readings", "doubled"), (Doubler.PipelinesDescriptor.Name, Doubler.PipelinesDescriptor.GroupId, Doubler.PipelinesDescriptor.InputTopic, Doubler.PipelinesDescriptor.OutputTopic));
    }

    [Fact]
    public async Task Health_checks_call_a_processor_ready_once_it_has_its_partitions_and_dead_once_a_failure_stopped_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:Processors:Scaler:OnFailure", "Stop"), new("Pipelines:Processors:Scaler:MaxRetries", "0")]);
        builder.Services.AddSingleton(new Scaler.Factor(2));
        builder.Services.AddProcessor<Scaler>(builder.Configuration);
        builder.Services.AddHealthChecks().AddPipelines();
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        async Task<HealthReport> Check(string tag) => await health.CheckHealthAsync(c => c.Tags.Contains(tag));
        var status = host.Services.GetRequiredService<PipelinesStatus>().Processors.Single();

        var beforeStart = (Live: (await Check("live")).Status, Ready: (await Check("ready")).Status);
        await host.StartAsync().WithinPatience();
        await Bounded.Until(async () => (await Check("ready")).Status == HealthStatus.Healthy, () => status.ToString());
        var running = (status.Phase, status.AssignedPartitions, (await Check("live")).Status);

        var connection = host.Services.GetRequiredService<KafkaConnection>();
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = connection.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = "sensor-0", Value = [0xc1] }); // 0xc1 is never valid MessagePack
        }

        await Bounded.Until(async () => (await Check("live")).Status == HealthStatus.Unhealthy, () => status.ToString());
        var stopped = await Check("live");
        var stopError = await Record.ExceptionAsync(() => host.StopAsync().WithinPatience()); // the host reports what stopped its service

        Assert.Equal((HealthStatus.Healthy, HealthStatus.Unhealthy), beforeStart);
        Assert.Equal((ProcessorPhase.Running, 3, HealthStatus.Healthy), running); // the embedded broker's topics have TopicPartitions (3)
        Assert.Equal(ProcessorPhase.Stopped, status.Phase);
        Assert.IsType<ProcessorStoppedException>(status.StopReason);
        Assert.Same(status.StopReason, stopError is AggregateException all ? all.InnerExceptions.Single() : stopError);
        Assert.StartsWith("Scaler stopped: ProcessorStoppedException: ", stopped.Entries["pipelines-live"].Description);
        Assert.Equal(HealthStatus.Unhealthy, (await Check("ready")).Status);
    }

    [Fact]
    public void The_host_draws_the_topology_it_runs_and_it_is_the_generated_one_until_configuration_changes_it()
    {
        var plain = Host.CreateApplicationBuilder();
        plain.Services.AddPipelines(plain.Configuration);
        var configured = Host.CreateApplicationBuilder();
        configured.Configuration.AddInMemoryCollection([new("Pipelines:Processors:RunningTally:GroupId", "tally-v2"), new("Pipelines:Processors:Doubler:OnFailure", "Skip")]);
        configured.Services.AddPipelines(configured.Configuration);
        using var plainHost = plain.Build();
        using var configuredHost = configured.Build();

        var drawn = plainHost.Services.GetRequiredService<PipelinesTopology>();
        var changed = configuredHost.Services.GetRequiredService<PipelinesTopology>().ToMermaid();

        Assert.Equal(Pipelines.Generated.AssemblyTopology.Mermaid, drawn.ToMermaid());
        var tally = drawn.Processors.Single(p => p.Name == "RunningTally");
        Assert.Equal(("readings", "tallies", "readings.dlq", "running-tally.state.changelog"), (tally.InputTopic, tally.OutputTopic, tally.DeadLetterTopic, tally.ChangelogTopic));
        Assert.Contains("[(\"tally-v2.state.changelog\")]", changed);
        Assert.DoesNotContain("running-tally.state.changelog", changed);
        Assert.Null(configuredHost.Services.GetRequiredService<PipelinesTopology>().Processors.Single(p => p.Name == "Doubler").DeadLetterTopic);
    }

    [Fact]
    public async Task Topics_that_a_client_already_created_are_accepted()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddProcessor<Scaler>(builder.Configuration);
        using var host = builder.Build();
        var connection = host.Services.GetRequiredService<KafkaConnection>();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = connection.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("early", new Message<Null, string> { Value = "auto-creates the topic" });
        }

        await connection.EnsureTopicsAsync(["early", "early"], CancellationToken.None);
        await connection.EnsureTopicsAsync(["early"], CancellationToken.None);
    }

    [Fact]
    public async Task A_host_stops_normally_when_the_broker_will_not_take_its_final_commits()
    {
        using var kafka = Pipelines.Kafka.Embedded.EmbeddedKafka.Start();
        kafka.CreateTopic("readings", 1);
        kafka.CreateTopic("doubled", 1);
        kafka.CreateTopic("readings.dlq", 1);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", kafka.BootstrapServers)]);
        builder.Services.AddSingleton(new Scaler.Factor(2));
        builder.Services.AddProcessor<Scaler>(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync().WithinPatience();
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            foreach (var reading in KafkaHarness.Readings(0, 10))
            {
                await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading) });
            }
        }

        Read(kafka.BootstrapServers, "doubled", 10);
        const short OffsetCommitApi = 8;
        kafka.PushRequestErrors(OffsetCommitApi, Enumerable.Repeat(ErrorCode.RequestTimedOut, 30).ToArray());

        await host.StopAsync().WithinPatience(); // neither throws nor hangs: the commit is retried, then left, and the consumer closed
    }

    [Fact]
    public async Task The_connections_admin_client_gets_no_consumer_setting_and_logs_through_the_hosts_logger()
    {
        using var kafka = Pipelines.Kafka.Embedded.EmbeddedKafka.Start();
        kafka.CreateTopic("present", 2);
        var log = new ListLogger();
        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new ListLoggerProvider(log)));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("Pipelines:BootstrapServers", kafka.BootstrapServers),
            new("Pipelines:Kafka:session.timeout.ms", "3000"),   // the documented way to tune consumers
            new("Pipelines:Kafka:debug", "admin"),               // so that the admin client has something to say
        ]).Build();
        using var connection = new KafkaConnection(PipelinesSettings.Read(configuration), loggers.CreateLogger<KafkaConnection>());

        // The topic exists, so the connection asks an admin client for its partition count.
        await connection.EnsureCopartitionedTopicsAsync("present", ["beside"], CancellationToken.None);

        var librdkafka = log.Entries.Select(e => e.Message).Where(m => m.StartsWith("librdkafka ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(librdkafka);
        Assert.DoesNotContain(librdkafka, m => m.Contains("CONFWARN", StringComparison.Ordinal));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        Assert.Equal(2, admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == "beside").Partitions.Count);
    }

    [Fact]
    public async Task A_host_configured_with_an_embedded_broker_of_its_own_process_creates_topics_through_it()
    {
        // A test's EmbeddedKafka reached by its address: the mock answers no CreateTopics, so an admin client would wait out its timeout.
        using var kafka = Pipelines.Kafka.Embedded.EmbeddedKafka.Start();
        kafka.CreateTopic("present", 2);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Pipelines:BootstrapServers", kafka.BootstrapServers), new("Pipelines:TopicPartitions", "5")]).Build();
        using var connection = new KafkaConnection(PipelinesSettings.Read(configuration), Microsoft.Extensions.Logging.Abstractions.NullLogger<KafkaConnection>.Instance);

        await connection.EnsureTopicsAsync(["present", "absent"], CancellationToken.None);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var partitions = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
        Assert.Equal((2, 5), (partitions["present"], partitions["absent"]));
        Assert.False(connection.IsEmbedded);
        Assert.Equal("3000", connection.ConsumerDefaults["session.timeout.ms"]);
    }

    [Fact]
    public void A_typo_in_the_configuration_stops_registration_with_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:Processors:Scaler:GroupID", "x"), new("Pipelines:Processors:Scaler:Retries", "3")]);

        var error = Assert.Throws<PipelinesConfigurationException>(() => builder.Services.AddProcessor<Scaler>(builder.Configuration));

        Assert.Equal("Pipelines:Processors:Scaler:Retries", error.Key);
    }

    [Fact]
    public void A_buffer_the_configuration_makes_invalid_stops_registration_with_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:Processors:Scaler:InputBuffer:Timeout", "00:00:01")]);

        var error = Assert.Throws<ArgumentException>(() => builder.Services.AddProcessor<Scaler>(builder.Configuration));

        Assert.Equal("InputBuffer:Timeout", error.ParamName);
        Assert.Contains("Processor 'Scaler'", error.Message);
    }

    [Fact]
    public void Attribute_settings_are_the_processors_defaults_and_configuration_overrides_them()
    {
        var defaults = PortionCollector.PipelinesDescriptor.Defaults("broker:9092");
        Assert.Equal((1, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), 500), (defaults.MaxRetries, defaults.RetryBackoff, defaults.CommitInterval, defaults.MaxBatchSize));
        Assert.Equal(new ProcessorOptions { Name = "x", GroupId = "x", InputTopic = "x", BootstrapServers = "x" }.OnFailure, defaults.OnFailure);
        Assert.Equal(Compression.Zstd, Doubler.PipelinesDescriptor.Defaults("x").Compression); // from its output contract
        Assert.Equal(Compression.Lz4, defaults.Compression);
        Assert.Equal((500_000, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)), (defaults.MaxMessageBytes, defaults.SplitTimeout, defaults.StreamIdleTimeout));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Pipelines:Processors:PortionCollector:MaxBatchSize", "7")]).Build();
        var effective = PipelinesSettings.Read(configuration).OptionsFor(defaults);

        Assert.Equal((1, 7), (effective.MaxRetries, effective.MaxBatchSize));
    }

    private static List<byte[]> Read(string bootstrapServers, string topic, int count) =>
        TopicReader.Read<Ignore>(bootstrapServers, topic, count).Select(r => r.Message.Value).ToList();
}
