using Microsoft.Extensions.Configuration;
using Pipelines.Hosting;
using Pipelines.Processing;

namespace Pipelines.Tests.Hosting;

public class PipelinesSettingsTests
{
    private static readonly ProcessorOptions Defaults = new() { Name = "BrakeMonitor", GroupId = "brake-monitor", InputTopic = "in", OutputTopic = "out", BootstrapServers = "b:9092" };

    [Fact]
    public void An_empty_section_means_the_embedded_broker_and_generated_defaults()
    {
        var settings = PipelinesSettings.Read(Configuration());

        Assert.Null(settings.BootstrapServers);
        Assert.Equal(3, settings.TopicPartitions);
        var options = settings.OptionsFor(Defaults);
        Assert.Equal(Defaults with { Kafka = options.Kafka }, options);
        Assert.Empty(options.Kafka);
    }

    [Fact]
    public void Cluster_security_and_per_processor_overrides_are_applied()
    {
        var settings = PipelinesSettings.Read(Configuration(
            ("Pipelines:BootstrapServers", "kafka-1:9092"),
            ("Pipelines:TopicPartitions", "12"),
            ("Pipelines:Kafka:security.protocol", "SASL_SSL"),
            ("Pipelines:Kafka:sasl.mechanism", "PLAIN"),
            ("Pipelines:Processors:BrakeMonitor:GroupId", "brakes-v2"),
            ("Pipelines:Processors:BrakeMonitor:OnFailure", "skip"),
            ("Pipelines:Processors:BrakeMonitor:MaxRetries", "7"),
            ("Pipelines:Processors:BrakeMonitor:CommitInterval", "00:00:01"),
            ("Pipelines:Processors:BrakeMonitor:CommitEvery", "100"),
            ("Pipelines:Processors:BrakeMonitor:MaxBatchSize", "50"),
            ("Pipelines:Processors:BrakeMonitor:LowLatency", "true"),
            ("Pipelines:Processors:BrakeMonitor:Compression", "zstd"),
            ("Pipelines:Processors:BrakeMonitor:Kafka:sasl.mechanism", "SCRAM-SHA-512")));

        var options = settings.OptionsFor(Defaults);

        Assert.Equal("kafka-1:9092", settings.BootstrapServers);
        Assert.Equal(12, settings.TopicPartitions);
        Assert.Equal(("brakes-v2", FailurePolicy.Skip, 7, TimeSpan.FromSeconds(1)), (options.GroupId, options.OnFailure, options.MaxRetries, options.CommitInterval));
        Assert.Equal((100, 50, true, Compression.Zstd), (options.CommitEvery, options.MaxBatchSize, options.LowLatency, options.Compression));
        Assert.Equal("SASL_SSL", options.Kafka["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", options.Kafka["sasl.mechanism"]);
    }

    [Theory]
    [InlineData("Pipelines:BootstrapServer", "kafka:9092", "Pipelines:BootstrapServer")]
    [InlineData("Pipelines:TopicPartitions", "zero", "Pipelines:TopicPartitions")]
    [InlineData("Pipelines:TopicPartitions", "0", "Pipelines:TopicPartitions")]
    public void A_bad_section_key_fails_naming_it(string key, string value, string named)
    {
        var error = Assert.Throws<PipelinesConfigurationException>(() => PipelinesSettings.Read(Configuration((key, value))));

        Assert.Equal(named, error.Key);
        Assert.Contains($"'{named}'", error.Message);
    }

    [Theory]
    [InlineData("MaxRetrys", "3")]
    [InlineData("MaxRetries", "-1")]
    [InlineData("OnFailure", "Explode")]
    [InlineData("CommitInterval", "0")]
    [InlineData("RetryBackoff", "soon")]
    [InlineData("CommitEvery", "0")]
    [InlineData("MaxBatchSize", "-5")]
    [InlineData("LowLatency", "sometimes")]
    [InlineData("Compression", "brotli")]
    [InlineData("Compression", "3")]
    [InlineData("InputBuffer:MaxRow", "3")]
    [InlineData("InputBuffer:MaxRows", "0")]
    [InlineData("OutputBuffer:MaxBytes", "lots")]
    [InlineData("OutputBuffer:Timeout", "-00:00:01")]
    [InlineData("InputBuffer", "Off")]
    public void A_bad_processor_key_fails_naming_it(string key, string value)
    {
        var settings = PipelinesSettings.Read(Configuration(($"Pipelines:Processors:BrakeMonitor:{key}", value)));

        var error = Assert.Throws<PipelinesConfigurationException>(() => settings.OptionsFor(Defaults));

        Assert.Equal($"Pipelines:Processors:BrakeMonitor:{key}", error.Key);
    }

    [Fact]
    public void Buffer_settings_override_the_compiled_buffer_key_by_key_or_create_one()
    {
        var compiled = Defaults with { InputBuffer = new BufferOptions { MaxRows = 100, Timeout = TimeSpan.FromSeconds(1) } };
        var settings = PipelinesSettings.Read(Configuration(
            ("Pipelines:Processors:BrakeMonitor:InputBuffer:MaxRows", "500"),
            ("Pipelines:Processors:BrakeMonitor:InputBuffer:Reorder", "00:00:00.050"),
            ("Pipelines:Processors:BrakeMonitor:OutputBuffer:MaxBytes", "65536"),
            ("Pipelines:Processors:BrakeMonitor:OutputBuffer:DataSpan", "00:00:02")));

        var options = settings.OptionsFor(compiled);

        Assert.Equal(new BufferOptions { MaxRows = 500, Timeout = TimeSpan.FromSeconds(1), Reorder = TimeSpan.FromMilliseconds(50) }, options.InputBuffer);
        Assert.Equal(new BufferOptions { MaxBytes = 65536, DataSpan = TimeSpan.FromSeconds(2) }, options.OutputBuffer);
    }

    [Fact]
    public void None_turns_a_compiled_buffer_off()
    {
        var compiled = Defaults with { OutputBuffer = new BufferOptions { MaxRows = 100 } };
        var settings = PipelinesSettings.Read(Configuration(("Pipelines:Processors:BrakeMonitor:OutputBuffer", "none")));

        Assert.Null(settings.OptionsFor(compiled).OutputBuffer);
        Assert.Equal(compiled.OutputBuffer, PipelinesSettings.Read(Configuration()).OptionsFor(compiled).OutputBuffer);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
