using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Processing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class SplitJoinerTests
{
    private static readonly ProcessorOptions Options = new()
    {
        Name = "test",
        GroupId = "test",
        InputTopic = "in",
        BootstrapServers = "unused",
        OnFailure = FailurePolicy.Skip, // rejections then write nothing, so no producer is needed
        SplitTimeout = TimeSpan.FromSeconds(1),
    };

    private readonly InputDeserializer<CarTelemetry> inputs = new(Options.MaxSplitMessageBytes);
    private readonly OffsetTracker tracker = new("in", new("pipelines.processor", "test"));
    private readonly Rejections<CarTelemetry, CarTelemetry> rejections = new(Options, null!, NullLogger.Instance, new("pipelines.processor", "test"));

    private (ConsumeResult<byte[]?, RowRange> Result, int Index, Work Work) Consume(long offset, byte[] value, int index, int count, string id = "m")
    {
        var headers = new Headers
        {
            { MessageTypes.Header, Encoding.UTF8.GetBytes(MessageTypes.Rows) },
            { SplitHeaders.Id, Encoding.UTF8.GetBytes(id) },
            { SplitHeaders.Index, Encoding.UTF8.GetBytes(index.ToString()) },
            { SplitHeaders.Count, Encoding.UTF8.GetBytes(count.ToString()) },
        };
        var at = inputs.Count;
        var range = inputs.Deserialize(value, false, new SerializationContext(MessageComponentType.Value, "in", headers));
        var work = tracker.Rent();
        tracker.Begin(0, offset, work);
        var result = new ConsumeResult<byte[]?, RowRange> { TopicPartitionOffset = new TopicPartitionOffset("in", 0, offset), Message = new Message<byte[]?, RowRange> { Value = range, Headers = headers } };
        return (result, at, work);
    }

    // A chunk's work keeps its own share until the joined message is done (or the chunk is rejected), so its
    // offset is not committed while the message is incomplete.
    [Fact]
    public void The_last_chunk_yields_the_joined_message_read_like_any_other_and_no_chunk_is_committed_before_it_is_handled()
    {
        var joiner = new SplitJoiner<CarTelemetry>(inputs, tracker, Options);
        var batch = MessageSerializer.SerializeBatch<CarTelemetry>([new() { CarId = "a" }, new() { CarId = "b" }, new() { CarId = "c" }]);
        var (first, firstIndex, firstWork) = Consume(10, batch[..20], 0, 2);
        var (second, secondIndex, secondWork) = Consume(11, batch[20..], 1, 2);

        Assert.Null(joiner.Add(first, firstIndex, firstWork, rejections));
        var joined = joiner.Add(second, secondIndex, secondWork, rejections);

        Assert.NotNull(joined);
        var range = joined.Value.Result.Message.Value;
        Assert.Equal(["a", "b", "c"], inputs.Rows.Skip(range.Start).Take(range.Count).Select(r => r.CarId));
        Assert.Equal(10, joined.Value.Result.Offset.Value);
        Assert.False(joined.Value.Result.Message.Headers.TryGetLastBytes(SplitHeaders.Id, out _));
        Assert.False(firstWork.IsDone || secondWork.IsDone);

        joined.Value.Work.Finish();
        Assert.True(firstWork.IsDone && secondWork.IsDone);
    }

    [Fact]
    public void An_incomplete_message_is_rejected_chunk_by_chunk_once_it_expires()
    {
        var joiner = new SplitJoiner<CarTelemetry>(inputs, tracker, Options);
        var (chunk, index, work) = Consume(3, [1, 2, 3], 0, 2);
        Assert.Null(joiner.Add(chunk, index, work, rejections));

        joiner.Expire(System.Diagnostics.Stopwatch.GetTimestamp(), rejections);
        Assert.False(work.IsDone);

        joiner.Expire(long.MaxValue, rejections);
        Assert.True(work.IsDone);
    }
}
