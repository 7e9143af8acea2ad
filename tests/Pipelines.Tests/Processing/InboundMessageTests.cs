using System.Text;
using Confluent.Kafka;
using Pipelines.Processing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class InboundMessageTests
{
    private readonly InputDeserializer<CarTelemetry> round = new(1024 * 1024, ContractFormat.OfInputs<CarTelemetry>(null));
    private readonly OffsetTracker tracker = new(["in"], new("pipelines.processor", "test"));

    private InboundMessage Read(byte[] value, long offset, InboundMessage? recycled = null)
    {
        var headers = new Headers { { MessageTypes.Header, Encoding.UTF8.GetBytes(MessageTypes.Row) } };
        var slot = round.Count;
        var rows = round.Deserialize(value, false, new SerializationContext(MessageComponentType.Value, "in", headers));
        return (recycled ?? new InboundMessage()).Fill(0, offset, null, headers, Timestamp.Default, rows, slot, tracker.Rent());
    }

    [Fact]
    public void A_message_of_the_round_reads_its_value_from_the_round_until_kept_then_owns_a_copy()
    {
        var value = MessageSerializer.Serialize(new CarTelemetry { CarId = "a" });
        var message = Read(value, 1);
        Assert.False(message.IsKept);
        Assert.Null(message.KeptValue);
        Assert.Equal(value, message.ValueFrom(round));

        message.Keep(round);
        round.Clear();
        Read(MessageSerializer.Serialize(new CarTelemetry { CarId = "zzz" }), 2);

        Assert.True(message.IsKept);
        Assert.Equal(-1, message.Slot);
        Assert.Equal(value, message.ValueFrom(round));
    }

    [Fact]
    public void A_recycled_message_carries_nothing_of_its_last_use()
    {
        var message = Read(MessageSerializer.Serialize(new CarTelemetry { CarId = "a" }), 1);
        message.Keep(round);
        message.Stream = new StreamInfo("a", 0, 0);
        round.Clear();

        var next = MessageSerializer.Serialize(new CarTelemetry { CarId = "b" });
        var reused = Read(next, 2, message);

        Assert.Same(message, reused);
        Assert.False(reused.IsKept);
        Assert.Null(reused.KeptValue);
        Assert.Null(reused.Stream);
        Assert.Equal(2, reused.Offset);
        Assert.Equal(next, reused.ValueFrom(round));
    }
}
