using Pipelines.Processing;
using Pipelines.Publishing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class TopicWriterOptionsTests
{
    [Theory]
    [InlineData("MaxMessageBytes")]
    [InlineData("BootstrapServers")]
    [InlineData("Buffer:Timeout")]
    public void A_writer_refuses_an_invalid_setting_naming_it_and_the_topic(string setting)
    {
        var options = new TopicWriterOptions { BootstrapServers = "localhost:9" };
        options = setting switch
        {
            "MaxMessageBytes" => options with { MaxMessageBytes = 100 },
            "BootstrapServers" => options with { BootstrapServers = " " },
            _ => options with { Buffer = new BufferOptions { Timeout = TimeSpan.FromSeconds(1) } },
        };

        var error = Assert.Throws<ArgumentException>(() => new TopicWriter<CarTelemetry>(options));

        Assert.Equal(setting, error.ParamName);
        Assert.StartsWith("TopicWriter of 'car-telemetry': ", error.Message);
    }
}
