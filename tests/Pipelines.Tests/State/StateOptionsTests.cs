using Microsoft.Extensions.Configuration;
using Pipelines.Hosting;
using Pipelines.Infrastructure;
using Pipelines.Processing;
using Pipelines.Testing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.State;

public class StateOptionsTests
{
    private static readonly ProcessorOptions Defaults = new() { Name = "p", GroupId = "p", InputTopic = "in", BootstrapServers = "localhost:9092" };

    private static ProcessorOptions Configured(params (string Key, string Value)[] settings) =>
        PipelinesSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build()).OptionsFor(Defaults);

    [Fact]
    public void The_state_directory_is_configured_for_all_processors_and_per_processor_and_the_store_kind_per_processor()
    {
        Assert.Equal("/var/state", Configured(("Pipelines:StateDirectory", "/var/state")).StateDirectory);
        Assert.Equal("/own", Configured(("Pipelines:StateDirectory", "/var/state"), ("Pipelines:Processors:p:StateDirectory", "/own")).StateDirectory);
        Assert.Equal(StateStoreKind.Memory, Configured(("Pipelines:Processors:p:StateStore", "memory")).StateStore);
        Assert.Equal(StateStoreKind.RocksDb, Configured().StateStore);

        var refused = Assert.Throws<PipelinesConfigurationException>(() => Configured(("Pipelines:Processors:p:StateStore", "Disk")));
        Assert.Contains("RocksDb, Memory", refused.Message);
    }

    [Fact]
    public void Windows_with_a_batch_handler_are_refused_at_construction_naming_the_processor()
    {
        var processor = new TestProcessor<CarTelemetry, CarTelemetry>
        {
            Rows = (_, _, _, _) => ValueTask.CompletedTask,
            State = StateDefinition.WindowStats<CarTelemetry, CarTelemetry>("windows", new WindowDefinition { Kind = WindowKind.Tumbling, Size = TimeSpan.FromSeconds(1) }),
        };

        var refused = Assert.Throws<ArgumentException>(() => new ProcessorRunner<CarTelemetry, CarTelemetry>(Defaults, processor));

        Assert.Contains("Processor 'p'", refused.Message);
        Assert.Contains("one at a time", refused.Message);
    }

    [Fact]
    public void A_time_to_live_on_data_time_over_an_input_without_a_timestamp_is_refused_naming_the_fix()
    {
        var processor = new TestProcessor<Point, CarTelemetry> { Row = (_, _, _) => ValueTask.FromResult<CarTelemetry?>(null), State = StateDefinition.Of<Point>("points") };
        var options = Defaults with { StateTimeToLive = TimeSpan.FromHours(1), StateTimeToLiveClock = StateClock.DataTime };

        var refused = Assert.Throws<ArgumentException>(() => new ProcessorRunner<Point, CarTelemetry>(options, processor));

        Assert.Contains("has no [Timestamp]", refused.Message);
    }
}
