using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Pipelines;
using Pipelines.Kafka.Embedded;
using Pipelines.Publishing;

namespace PipelinesApp.Tests;

/// <summary>The app's processor on an embedded Kafka broker, with real clients: readings in, alerts out.</summary>
public class TemperatureMonitorTests
{
    [Fact]
    public async Task Readings_above_the_threshold_become_alerts()
    {
        using var kafka = EmbeddedKafka.Start();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Pipelines:BootstrapServers", kafka.BootstrapServers), new("Pipelines:TopicPartitions", "1")]);
        builder.Services.AddProcessor<TemperatureMonitor>(builder.Configuration);   // the one processor under test
        builder.Services.AddHealthChecks().AddPipelines();
        using var host = builder.Build();
        await host.StartAsync();

        // Ready: its topics exist and the group gave it its partitions, so nothing written from here on is missed.
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while ((await health.CheckHealthAsync()).Status != HealthStatus.Healthy)
        {
            Assert.True(DateTime.UtcNow < deadline, "the processor did not become ready within a minute");
            await Task.Delay(50);
        }

        using (var writer = new TopicWriter<SensorReading>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers }))
        {
            foreach (var temperature in new[] { 85.0, 95.0, 70.0, 99.5 })
            {
                writer.Write(new SensorReading { Time = DateTime.UtcNow, Sensor = "boiler", Temperature = temperature });
            }
        }

        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "test",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("temperature-alerts");
        var alerts = new List<double>();
        deadline = DateTime.UtcNow.AddMinutes(1);
        while (alerts.Count < 2 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { Message: { } message })
            {
                alerts.Add(MessageSerializer.Deserialize<TemperatureAlert>(message.Value).Temperature);
            }
        }

        consumer.Close();
        await host.StopAsync();

        Assert.Equal([95.0, 99.5], alerts);
    }
}
