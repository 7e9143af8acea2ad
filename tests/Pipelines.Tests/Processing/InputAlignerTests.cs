using System.Diagnostics;
using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

/// <summary>The order in which a processor with several inputs gets its messages: timestamps across inputs, per partition.</summary>
public class InputAlignerTests
{
    private static readonly long Second = Stopwatch.Frequency;
    private readonly Progress progress = new();
    private readonly InputAligner aligner;
    private long offset;

    private readonly List<(int Input, int Partition)> waitsEnded = [];

    public InputAlignerTests() => aligner = new InputAligner(2, TimeSpan.FromSeconds(1), progress, (input, partition) => waitsEnded.Add((input, partition)));

    [Fact]
    public void A_message_waits_while_the_other_input_has_nothing_fetched_but_rows_on_the_broker_then_the_oldest_goes_first()
    {
        Add(0, 0, 3000);
        Add(0, 0, 4000);
        Assert.Empty(Release(1));

        Add(1, 0, 1000);
        Assert.Equal([(1, 1000L)], Release(2)); // the right one's head is older; then it has nothing again

        Add(1, 0, 3500);
        Assert.Equal([(0, 3000L), (1, 3500L)], Release(3));
    }

    [Fact]
    public void An_input_caught_up_with_the_broker_is_not_waited_for()
    {
        progress.CaughtUp.Add((1, 0));
        Add(0, 0, 3000);
        Add(0, 0, 4000);

        Assert.Equal([(0, 3000L), (0, 4000L)], Release(1));
        Assert.Equal(0, aligner.Held);
    }

    [Fact]
    public void A_caught_up_input_is_asked_again_after_its_next_message_or_a_hundredth_of_a_second()
    {
        progress.CaughtUp.UnionWith([(0, 0), (1, 0)]);
        Add(0, 0, 1);
        Release(1);
        Add(0, 0, 2);
        Release(2);
        Assert.Equal(1, progress.Asked);

        // Input 0 is asked when its queue empties before 3; input 1 again once 4 waits, since 3 came.
        Add(1, 0, 3);
        Release(2);
        Add(0, 0, 4);
        Assert.Equal([(0, 4L)], Release(2));
        Assert.Equal(3, progress.Asked);

        // A backlog may have reached the broker since: asked again.
        Add(0, 0, 5);
        Release(2 + (Second / 100));
        Assert.Equal(4, progress.Asked);
    }

    [Fact]
    public void An_input_whose_last_row_is_later_than_the_head_is_not_waited_for_nor_asked_about()
    {
        progress.CaughtUp.Add((0, 0));
        Add(1, 0, 5000);
        Assert.Equal([(1, 5000L)], Release(1));
        Assert.Equal(1, progress.Asked);

        Add(0, 0, 4800);                                     // input 1's rows to come are at 5000 or later
        Assert.Equal([(0, 4800L)], Release(2));
        Add(0, 0, 5200);                                     // past input 1's last row, which is behind the broker's end
        Assert.Empty(Release(3));
        Assert.Equal(2, progress.Asked);
    }

    [Fact]
    public void An_input_found_behind_is_not_asked_again_for_a_hundredth_of_a_second_unless_its_message_comes()
    {
        Add(0, 0, 5);
        Release(1);
        Release(2);
        Assert.Equal(1, progress.Asked);

        Release(1 + (Second / 100));
        Assert.Equal(2, progress.Asked);

        Add(1, 0, 1);
        Assert.Equal([(1, 1L)], Release(3 + (Second / 100)));
        Assert.Equal(3, progress.Asked);                     // input 1 empty again, its message having come: asked
    }

    [Fact]
    public void That_an_input_caught_up_is_confirmed_with_the_broker_only_when_a_backlog_waits_on_it()
    {
        progress.CaughtUp.Add((1, 0));
        Add(0, 0, 1);
        Release(1);
        Assert.Equal((1, 0), (progress.Asked, progress.Confirmed)); // one row: the client's knowledge is enough

        Add(0, 0, 2);
        Add(0, 0, 3);
        Assert.Equal([(0, 2L), (0, 3L)], Release(2));
        Assert.Equal((2, 1), (progress.Asked, progress.Confirmed)); // two waiting: asked of the broker, once
    }

    [Fact]
    public void The_wait_for_an_input_lasts_at_most_max_input_wait_and_ends_until_its_next_message()
    {
        Add(0, 0, 3000);
        Assert.Empty(Release(10 * Second));
        Assert.Empty(Release((11 * Second) - 1));
        Assert.Equal([(0, 3000L)], Release(11 * Second));
        Assert.Equal([(1, 0)], waitsEnded);

        Add(0, 0, 4000);
        Assert.Equal([(0, 4000L)], Release(11 * Second)); // not waited for again
        Assert.Single(waitsEnded);

        // Input 1's next message: waited for again, a full MaxInputWait.
        Add(1, 0, 5000);
        Add(0, 0, 6000);
        Assert.Equal([(1, 5000L)], Release(12 * Second));
        Assert.Empty(Release((13 * Second) - 1));
        Assert.Equal([(0, 6000L)], Release(13 * Second));
    }

    [Fact]
    public void Only_rounds_that_drained_the_consumer_count_as_waiting_so_a_slow_handler_does_not_end_the_wait()
    {
        Add(0, 0, 3000);
        Assert.Empty(Release(10 * Second));                  // nothing more to fetch: the wait starts
        Assert.Empty(Release(12 * Second, drained: false));  // messages still coming after a long call: it starts again
        Assert.Empty(Release(12 * Second));
        Assert.Empty(Release((13 * Second) - 1));
        Assert.Equal([(0, 3000L)], Release(13 * Second));

        Add(0, 0, 4000);
        Assert.Equal([(0, 4000L)], Release(13 * Second, drained: false)); // given up until input 1's next message
    }

    [Fact]
    public void Partitions_are_ordered_apart_and_messages_without_a_timestamp_go_at_the_head_of_their_queue()
    {
        Add(0, 1, 9000);
        Add(1, 0, 5000);
        Add(0, 0, null);
        Add(0, 0, 7000);
        var released = new List<InboundMessage>();
        aligner.Release(1, released);

        // Partition 0: the stream message heads input 0, then 5000 is older than 7000. Partition 1 waits for input 1.
        Assert.Equal([(0, null, 0), (1, 5000, 0)], released.Select(m => (m.Input, Times[m], m.Partition)));
    }

    [Fact]
    public void Equal_timestamps_go_in_input_order()
    {
        Add(1, 0, 1000);
        Add(0, 0, 1000);
        progress.CaughtUp.UnionWith([(0, 0), (1, 0)]);

        Assert.Equal([(0, 1000L), (1, 1000L)], Release(1));
    }

    [Fact]
    public void An_input_holding_max_held_messages_is_paused_until_half_are_gone()
    {
        for (var i = 0; i < InputAligner.MaxHeld; i++)
        {
            Add(0, 0, 2000 + i);
        }

        Assert.Equal([(0, 0)], progress.Paused);
        Add(1, 0, 2000 + (InputAligner.MaxHeld / 2) - 2);
        Release(1);
        Assert.Equal([(0, 0)], progress.Paused); // 499 released, 501 held: one more than half

        Add(1, 0, 2000 + InputAligner.MaxHeld);
        Release(1);
        Assert.Empty(progress.Paused);
    }

    [Fact]
    public void Dropped_partitions_are_forgotten_and_resumed()
    {
        for (var i = 0; i < InputAligner.MaxHeld; i++)
        {
            Add(0, 1, i);
        }

        Add(0, 0, 1);
        aligner.Drop(p => p == 1);

        Assert.Equal((1, 0), (aligner.Held, progress.Paused.Count));
    }

    private void Add(int input, int partition, long? time)
    {
        var message = new InboundMessage().Fill(partition, offset++, null, null, Timestamp.Default, default, -1, null!, input);
        aligner.Add(message, time);
        Times[message] = time;
    }

    private Dictionary<InboundMessage, long?> Times { get; } = [];

    private List<(int Input, long Time)> Release(long now, bool drained = true)
    {
        var released = new List<InboundMessage>();
        aligner.Release(now, released, drained);
        Assert.All(released, m => Assert.False(m.IsWaiting));
        return released.Select(m => (m.Input, Times[m]!.Value)).ToList();
    }

    private sealed class Progress : IInputProgress
    {
        public HashSet<(int Input, int Partition)> CaughtUp { get; } = [];

        public List<(int Input, int Partition)> Paused { get; } = [];

        public int Asked { get; private set; }

        public int Confirmed { get; private set; }

        public bool IsCaughtUp(int input, int partition, bool confirm)
        {
            Asked++;
            Confirmed += confirm ? 1 : 0;
            return CaughtUp.Contains((input, partition));
        }

        public void Pause(int input, int partition) => Paused.Add((input, partition));

        public void Resume(int input, int partition) => Paused.Remove((input, partition));
    }
}
