using Pipelines.Processing;
using Pipelines.Testing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class InputStageTests
{
    [Fact]
    public async Task Without_buffers_each_row_is_handled_at_once_with_its_message_in_the_context_and_the_message_is_then_committable()
    {
        var seen = new List<(double Speed, long Offset, string Stream)>();
        var stages = new StageHarness(TestProcessor.Rows<CarTelemetry, CarTelemetry>((row, context, _) =>
        {
            seen.Add((row.Speed, context.Offset, context.Stream.Key));
            return ValueTask.FromResult<CarTelemetry?>(null);
        }));

        var message = await stages.RowsAsync(7, "car-1", 1, 2, 3);
        await stages.Input.TakeAsync(message, 0, CancellationToken.None);

        Assert.False(stages.Input.IsBuffered);
        Assert.Equal([(1.0, 7L, "car-1"), (2.0, 7L, "car-1"), (3.0, 7L, "car-1")], seen);
        Assert.False(message.IsKept);
        Assert.Equal([8L], stages.Committable());
    }

    [Fact]
    public async Task A_row_whose_handler_fails_is_rejected_and_the_rows_after_it_are_still_handled()
    {
        var handled = new List<double>();
        var stages = new StageHarness(TestProcessor.Rows<CarTelemetry, CarTelemetry>((row, _, _) =>
        {
            if (row.Speed == 2)
            {
                throw new InvalidOperationException("bad row");
            }

            handled.Add(row.Speed);
            return ValueTask.FromResult<CarTelemetry?>(null);
        }));

        await stages.Input.TakeAsync(await stages.RowsAsync(0, "car-1", 1, 2, 3), 0, CancellationToken.None);

        Assert.Equal([1.0, 3.0], handled);
        Assert.Equal([1L], stages.Committable()); // Skip: the rejected row does not hold the offset back
    }

    [Fact]
    public async Task Buffered_rows_outlive_their_round_and_their_message_is_committable_only_once_every_row_was_handled()
    {
        var calls = new List<double[]>();
        var stages = new StageHarness(
            TestProcessor.Batches<CarTelemetry, CarTelemetry>((rows, _, _, _) =>
            {
                calls.Add(rows.Select(r => r.Speed).ToArray());
                return ValueTask.CompletedTask;
            }),
            new BufferOptions { MaxRows = 3 });

        var first = await stages.RowsAsync(0, "car-1", 1, 2);
        await stages.Input.TakeAsync(first, 0, CancellationToken.None);
        await stages.Input.DrainAsync(roundEnded: true, CancellationToken.None);
        stages.Round.Clear(); // the next round reuses the reader's buffer

        Assert.Empty(calls);
        Assert.True(first.IsKept);
        Assert.Equal(2, stages.Input.Buffered);
        Assert.Empty(stages.Committable());

        var second = await stages.RowsAsync(1, "car-1", 3, 4);
        await stages.Input.TakeAsync(second, 0, CancellationToken.None);
        await stages.Input.DrainAsync(roundEnded: true, CancellationToken.None);

        Assert.Equal([[1.0, 2.0, 3.0]], calls);
        Assert.Equal([1L], stages.Committable()); // the first message; row 4 of the second still waits

        await stages.Input.FlushAsync(null, CancellationToken.None);

        Assert.Equal([[1.0, 2.0, 3.0], [4.0]], calls);
        Assert.Equal([2L], stages.Committable());
    }

    [Fact]
    public async Task A_batch_handler_without_an_input_buffer_gets_a_rounds_rows_of_a_stream_in_one_call_at_the_rounds_end()
    {
        var calls = new List<(string Car, double[] Speeds)>();
        var stages = new StageHarness(TestProcessor.Batches<CarTelemetry, CarTelemetry>((rows, _, context, _) =>
        {
            calls.Add((context.Stream.Key, rows.Select(r => r.Speed).ToArray()));
            return ValueTask.CompletedTask;
        }));

        var messages = new[]
        {
            await stages.RowsAsync(0, "car-1", 1, 2),
            await stages.RowsAsync(1, "car-2", 10),
            await stages.RowsAsync(2, "car-1", 3),
        };
        foreach (var message in messages)
        {
            await stages.Input.TakeAsync(message, 0, CancellationToken.None);
        }

        Assert.Empty(calls);
        await stages.Input.DrainAsync(roundEnded: true, CancellationToken.None);

        Assert.Equal(2, calls.Count);
        Assert.Contains(calls, c => c.Car == "car-1" && c.Speeds.SequenceEqual([1.0, 2.0, 3.0]));
        Assert.Contains(calls, c => c.Car == "car-2" && c.Speeds.SequenceEqual([10.0]));
        Assert.All(messages, m => Assert.False(m.IsKept)); // handled within the round: nothing copied
        Assert.Equal([3L], stages.Committable());
    }

    [Fact]
    public async Task A_batch_with_state_starts_after_the_rows_its_stream_already_applied_and_commits_up_to_its_last_row()
    {
        // The store says car-1's state applied the rows up to offset 5, row 1 (before a restart, say).
        var store = new Pipelines.State.MemoryStateStore();
        var key = StreamKeys.Format("car-1")!;
        store.Write([new(key, new Pipelines.State.StateRecord(new Pipelines.State.RowPosition(5, 1), MessageSerializer.Serialize(new Point { X = 10 })).Encode())], 0);
        var table = StateDefinition.Of<Point>("state").CreateTable(new object(), new ProcessorOptions { Name = "p", GroupId = "g", InputTopic = "in", BootstrapServers = "unused" });
        table.Open(0, store);
        var calls = new List<double[]>();
        var stages = new StageHarness(
            TestProcessor.Batches<CarTelemetry, CarTelemetry>((rows, _, context, _) =>
            {
                calls.Add(rows.Select(r => r.Speed).ToArray());
                var state = context.State<Point>();
                state.Value = new Point { X = state.Value.X + rows.Count };
                return ValueTask.CompletedTask;
            }),
            state: table);

        foreach (var message in new[] { await stages.RowsAsync(5, "car-1", 1, 2, 3), await stages.RowsAsync(6, "car-1", 4, 5) })
        {
            await stages.Input.TakeAsync(message, 0, CancellationToken.None);
        }

        await stages.Input.DrainAsync(roundEnded: true, CancellationToken.None);

        var call = Assert.Single(calls);
        Assert.Equal([3.0, 4.0, 5.0], call);
        var record = Pipelines.State.StateRecord.Decode(Assert.Single(table.TakeChanges(0)).Value!);
        Assert.Equal((new Pipelines.State.RowPosition(6, 1), 13), (record.Applied, MessageSerializer.Deserialize<Point>(record.Value!).X));
    }
}
