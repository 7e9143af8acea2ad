using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipelines.Hosting;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Kafka.Embedded;

namespace Pipelines.IntegrationTests.Hosting;

/// <summary>The host's Schema Registry client: the one <c>Pipelines:SchemaRegistry</c> names, else one beside the embedded broker.</summary>
public class SchemaRegistryHostingTests
{
    [Fact]
    public async Task With_nothing_configured_a_host_on_the_embedded_broker_has_a_registry_beside_it()
    {
        using var host = Build(new Dictionary<string, string?>());
        var connection = host.Services.GetRequiredService<KafkaConnection>();
        var registry = host.Services.GetRequiredService<ISchemaRegistryClient>();
        var avro = new AvroMessageSerializer<Reading>(registry);

        using (var producer = new ProducerBuilder<string, Reading>(new ProducerConfig { BootstrapServers = connection.BootstrapServers }).SetValueSerializer(avro).Build())
        {
            await producer.ProduceAsync("readings", new Message<string, Reading> { Key = "s-1", Value = new Reading { Sensor = "s-1", Time = 5, Value = 2.5 } });
        }

        var read = TopicReader.Read<string>(connection.BootstrapServers, "readings", 1).Single();

        Assert.Equal(("s-1", 5L, 2.5), avro.Deserialize(read.Message.Value, false, new SerializationContext(MessageComponentType.Value, "readings")) is var r ? (r.Sensor, r.Time, r.Value) : default);
        Assert.Equal(["readings-value"], await registry.GetAllSubjectsAsync());
    }

    [Fact]
    public async Task The_registry_Pipelines_SchemaRegistry_Url_names_is_the_one_used()
    {
        using var registry = EmbeddedSchemaRegistry.Start();
        using var host = Build(new Dictionary<string, string?> { ["Pipelines:SchemaRegistry:Url"] = registry.Url, ["Pipelines:SchemaRegistry:request.timeout.ms"] = "20000" });

        await host.Services.GetRequiredService<ISchemaRegistryClient>().RegisterSchemaAsync("notes-value", new Schema(MessageSerializer.SchemaOf<Reading>().AvroSchema, SchemaType.Avro));

        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        Assert.Equal(["notes-value"], await client.GetAllSubjectsAsync());
    }

    [Fact]
    public void The_subject_name_strategy_is_a_setting_of_its_own_beside_the_clients()
    {
        using var registry = EmbeddedSchemaRegistry.Start();
        using var host = Build(new Dictionary<string, string?> { ["Pipelines:SchemaRegistry:Url"] = registry.Url, ["Pipelines:SchemaRegistry:SubjectNameStrategy"] = "TopicRecord" });
        using var wrong = Build(new Dictionary<string, string?> { ["Pipelines:SchemaRegistry:SubjectNameStrategy"] = "Associated" });

        Assert.NotNull(host.Services.GetRequiredService<ISchemaRegistryClient>()); // the client is not handed the key
        Assert.Equal(SubjectNameStrategy.TopicRecord, host.Services.GetRequiredService<KafkaConnection>().SubjectNameStrategy);
        var exception = Assert.Throws<PipelinesConfigurationException>(() => wrong.Services.GetRequiredService<KafkaConnection>().SubjectNameStrategy);
        Assert.Contains("Pipelines:SchemaRegistry:SubjectNameStrategy", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_on_a_cluster_with_no_registry_configured_says_which_setting_it_needs()
    {
        using var host = Build(new Dictionary<string, string?> { ["Pipelines:BootstrapServers"] = "127.0.0.1:1" });

        var exception = Assert.Throws<PipelinesConfigurationException>(() => host.Services.GetRequiredService<ISchemaRegistryClient>());

        Assert.Contains("Pipelines:SchemaRegistry:Url", exception.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new HostingTests.Scaler.Factor(1));
        builder.Services.AddProcessor<HostingTests.Scaler>(builder.Configuration);
        return builder.Build();
    }
}
