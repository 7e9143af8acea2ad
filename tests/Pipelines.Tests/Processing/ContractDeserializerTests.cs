using Confluent.Kafka;
using Pipelines.Kafka;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class ContractDeserializerTests
{
    [Fact]
    public void A_plain_Confluent_consumer_reads_contracts_from_the_span_and_refuses_tombstones()
    {
        var row = new CarTelemetry { CarId = "car-7", Speed = 301.5 };
        var bytes = MessageSerializer.Serialize(row);

        var read = ContractDeserializer<CarTelemetry>.Instance.Deserialize(bytes, isNull: false, default);
        var tombstone = Assert.Throws<MessageFormatException>(() => ContractDeserializer<CarTelemetry>.Instance.Deserialize([], isNull: true, default));

        Assert.Equal(("car-7", 301.5), (read.CarId, read.Speed));
        Assert.Contains("tombstone", tombstone.Message);
    }
}
