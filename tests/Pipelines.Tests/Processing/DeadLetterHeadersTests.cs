using System.Text;
using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class DeadLetterHeadersTests
{
    [Fact]
    public void Original_headers_are_kept_and_the_reason_and_source_are_added()
    {
        var original = new Headers { { "trace", "abc"u8.ToArray() } };
        var source = new TopicPartitionOffset("readings", 2, 41);

        var headers = DeadLetterHeaders.Create(original, "brake-monitor", source, new MessageFormatException("bad bytes"));

        string Text(string key) => Encoding.UTF8.GetString(headers.GetLastBytes(key));
        Assert.Equal("abc", Text("trace"));
        Assert.Equal("brake-monitor", Text(DeadLetterHeaders.Processor));
        Assert.Equal("readings", Text(DeadLetterHeaders.SourceTopic));
        Assert.Equal("2", Text(DeadLetterHeaders.SourcePartition));
        Assert.Equal("41", Text(DeadLetterHeaders.SourceOffset));
        Assert.Equal("Pipelines.MessageFormatException", Text(DeadLetterHeaders.ExceptionType));
        Assert.Equal("bad bytes", Text(DeadLetterHeaders.ExceptionMessage));
        Assert.Single(original);
    }
}
