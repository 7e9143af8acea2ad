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

    [Fact]
    public void A_part_of_a_row_batch_says_which_rows_it_holds_and_its_own_message_type()
    {
        var original = new Headers { { "trace", "abc"u8.ToArray() }, { MessageTypes.Header, "rows"u8.ToArray() } };
        var source = new TopicPartitionOffset("readings", 0, 7);

        var one = DeadLetterHeaders.Create(original, "p", source, new InvalidOperationException("x"), (3, 1, 100));
        var some = DeadLetterHeaders.Create(original, "p", source, new InvalidOperationException("x"), (10, 5, 100));

        Assert.Equal("3-3/100", Encoding.UTF8.GetString(one.GetLastBytes(DeadLetterHeaders.SourceRows)));
        Assert.False(one.TryGetLastBytes(MessageTypes.Header, out _));
        Assert.Equal("10-14/100", Encoding.UTF8.GetString(some.GetLastBytes(DeadLetterHeaders.SourceRows)));
        Assert.Equal("rows", Encoding.UTF8.GetString(some.GetLastBytes(MessageTypes.Header)));
        Assert.Single(some, h => h.Key == MessageTypes.Header);
        Assert.Equal("abc", Encoding.UTF8.GetString(some.GetLastBytes("trace")));
    }
}
