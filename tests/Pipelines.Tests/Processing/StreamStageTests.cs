using Pipelines.Processing;
using Pipelines.Testing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class StreamStageTests
{
    private readonly List<string> hooks = [];

    private StageHarness Stages() => new(new TestProcessor<CarTelemetry, CarTelemetry>
    {
        Row = (_, _, _) => ValueTask.FromResult<CarTelemetry?>(null),
        Opened = (stream, _, _) =>
        {
            hooks.Add("opened " + stream.Key);
            return ValueTask.CompletedTask;
        },
        Closed = (stream, end, _, _) =>
        {
            hooks.Add($"closed {stream.Key} {end}");
            return ValueTask.CompletedTask;
        },
    });

    [Fact]
    public async Task A_streams_first_message_opens_it_once_and_its_end_message_closes_it()
    {
        var stages = Stages();

        var first = await stages.RowsAsync(0, "car-1", 1);
        var second = await stages.RowsAsync(1, "car-1", 2);
        Assert.Same(first.Stream, second.Stream);
        Assert.Equal(1, stages.Streams.Count);

        var end = await stages.EndAsync(2, "car-1", StreamEnd.Closed);
        await stages.Streams.HandleAsync(end, CancellationToken.None);

        Assert.Equal(["opened car-1", "closed car-1 Closed"], hooks);
        Assert.Equal(0, stages.Streams.Count);
    }

    [Fact]
    public async Task Revoking_a_partition_closes_its_streams_as_revoked_and_leaves_the_others()
    {
        var stages = Stages();
        await stages.RowsAsync(0, "car-1", 1);
        await stages.RowsAsync(1, "car-2", 1);
        hooks.Clear();

        await stages.Streams.RevokeAsync(partition => partition == 0);
        Assert.Equal(["closed car-1 Revoked", "closed car-2 Revoked"], hooks.Order());
        Assert.Equal(0, stages.Streams.Count);

        hooks.Clear();
        await stages.RowsAsync(2, "car-1", 1);
        await stages.Streams.RevokeAsync(partition => partition == 5);
        Assert.Equal(["opened car-1"], hooks);
        Assert.Equal(1, stages.Streams.Count);
    }

    [Fact]
    public async Task A_stream_that_went_quiet_is_taken_out_and_closed_as_idle()
    {
        var stages = Stages();
        var message = await stages.RowsAsync(0, "car-1", 1);

        var idle = stages.Streams.TakeIdle(long.MaxValue, TimeSpan.FromSeconds(1));
        var (key, stream) = Assert.Single(idle);
        await stages.Streams.CloseIdleAsync(key, stream, CancellationToken.None);

        Assert.Same(message.Stream, stream);
        Assert.Equal(["opened car-1", "closed car-1 Idle"], hooks);
        Assert.Equal(0, stages.Streams.Count);
    }
}
