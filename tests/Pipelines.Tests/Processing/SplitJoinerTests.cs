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

    private readonly InputDeserializer<CarTelemetry> inputs = new(Options.MaxSplitMessageBytes, ContractFormat.OfInputs<CarTelemetry>(null));
    private readonly OffsetTracker tracker = new(["in"], new("pipelines.processor", "test"));
    private readonly Rejections<CarTelemetry, CarTelemetry> rejections = new(Options, null!, null!, NullLogger.Instance, new("pipelines.processor", "test"));

    private (InboundMessage Message, Work Work) Consume(long offset, byte[] value, int index, int count, string id = "m")
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
        return (new InboundMessage().Fill(0, offset, null, headers, Timestamp.Default, range, at, work), work);
    }

    // A chunk's work keeps its own share until the joined message is done (or the chunk is rejected), so its
    // offset is not committed while the message is incomplete.
    [Fact]
    public void The_last_chunk_yields_the_joined_message_read_like_any_other_and_no_chunk_is_committed_before_it_is_handled()
    {
        var joiner = new SplitJoiner<CarTelemetry>(inputs, tracker, Options);
        var batch = MessageSerializer.SerializePacked<CarTelemetry>([new() { CarId = "a" }, new() { CarId = "b" }, new() { CarId = "c" }]);
        var (first, firstWork) = Consume(10, batch[..20], 0, 2);
        var (second, secondWork) = Consume(11, batch[20..], 1, 2);

        Assert.Null(joiner.Add(first, rejections));
        var joined = joiner.Add(second, rejections);

        Assert.NotNull(joined);
        var range = joined.Rows;
        Assert.Equal(["a", "b", "c"], inputs.Rows.Skip(range.Start).Take(range.Count).Select(r => r.CarId));
        Assert.Equal(10, joined.Offset);
        Assert.Equal(batch, joined.ValueFrom(inputs));
        Assert.False(joined.Headers!.TryGetLastBytes(SplitHeaders.Id, out _));
        Assert.False(firstWork.IsDone || secondWork.IsDone);

        joined.Work.Finish();
        Assert.True(firstWork.IsDone && secondWork.IsDone);
    }

    // The fetch round's buffer is reused each round: a chunk that waits for the rest of its message keeps its own copy.
    [Fact]
    public void A_chunk_waiting_across_fetch_rounds_keeps_its_value()
    {
        var joiner = new SplitJoiner<CarTelemetry>(inputs, tracker, Options);
        var batch = MessageSerializer.SerializePacked<CarTelemetry>([new() { CarId = "a" }, new() { CarId = "b" }]);
        var (first, _) = Consume(20, batch[..10], 0, 2);
        Assert.Null(joiner.Add(first, rejections));

        inputs.Clear();
        var (filler, _) = Consume(21, new byte[10], 0, 1, id: "other");
        var (second, _) = Consume(22, batch[10..], 1, 2);
        var joined = joiner.Add(second, rejections);

        Assert.True(first.IsKept);
        Assert.Equal(batch, joined!.ValueFrom(inputs));
        Assert.Equal(["a", "b"], inputs.Rows.Skip(joined.Rows.Start).Take(joined.Rows.Count).Select(r => r.CarId));
    }

    [Fact]
    public void An_incomplete_message_is_rejected_chunk_by_chunk_once_it_expires()
    {
        var joiner = new SplitJoiner<CarTelemetry>(inputs, tracker, Options);
        var (chunk, work) = Consume(3, [1, 2, 3], 0, 2);
        Assert.Null(joiner.Add(chunk, rejections));

        joiner.Expire(System.Diagnostics.Stopwatch.GetTimestamp(), rejections);
        Assert.False(work.IsDone);

        joiner.Expire(long.MaxValue, rejections);
        Assert.True(work.IsDone);
    }
}
