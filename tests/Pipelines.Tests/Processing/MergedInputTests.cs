using Confluent.Kafka;
using Pipelines.Infrastructure;
using Pipelines.Processing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

/// <summary>A processor's several inputs as one: rows read by their topic's contract, offsets committed per topic, options checked.</summary>
public class MergedInputTests
{
    private static readonly CarTelemetry Car = new() { TimestampNs = 7, CarId = "car-1", Speed = 1.5 };
    private static readonly SensorReading Sensor = new() { Time = 9, Sensor = "s1", Value = 2.5 };

    private static ProcessorOptions Options(params string[] inputs) => new()
    {
        Name = "merge",
        GroupId = "merge",
        InputTopic = inputs.Length > 0 ? inputs[0] : "car-telemetry",
        InputTopics = inputs,
        BootstrapServers = "unused:9092",
    };

    [Fact]
    public void Each_message_is_read_with_the_contract_of_its_topic_single_or_packed()
    {
        var options = Options("car-telemetry", "sensor-readings");
        var reader = new InputDeserializer<Merged<CarTelemetry, SensorReading>>(1024, ContractFormat.OfInputs<Merged<CarTelemetry, SensorReading>>(null), options.InputOf);

        reader.Deserialize(MessageSerializer.Serialize(Car), false, new SerializationContext(MessageComponentType.Value, "car-telemetry", []));
        reader.Deserialize(MessageSerializer.SerializePacked<SensorReading>([Sensor, Sensor]), false, new SerializationContext(MessageComponentType.Value, "sensor-readings", new Headers { { MessageTypes.Header, "rows"u8.ToArray() } }));

        Assert.Equal([0, 1, 1], reader.Rows.Select(r => r.Input));
        Assert.Equal("car-1", reader.Rows[0].First!.CarId);
        Assert.Equal((2.5, "s1"), (reader.Rows[2].Second.Value, reader.Rows[2].Second.Sensor));
    }

    [Fact]
    public void A_JSON_inputs_rows_without_a_time_take_their_messages_Kafka_timestamp_beside_another_input()
    {
        var options = Options("car-telemetry", "orders");
        var reader = new InputDeserializer<Merged<CarTelemetry, Order>>(1024, ContractFormat.OfInputs<Merged<CarTelemetry, Order>>(null), options.InputOf);

        reader.Deserialize("""[{"customer":"ada"},{"customer":"bob","at":5}]"""u8, false, new SerializationContext(MessageComponentType.Value, "orders", []));
        reader.Stamp(new Timestamp(1765063815250, TimestampType.CreateTime));

        Assert.Equal([(1765063815250L * 1_000_000, "ada"), (5L, "bob")], reader.Rows.Select(r => (r.Second!.At, r.Second.Customer)));
    }

    [Fact]
    public void A_message_that_is_not_a_row_of_its_topics_contract_is_refused_naming_that_contract()
    {
        var options = Options("car-telemetry", "sensor-readings");
        var reader = new InputDeserializer<Merged<CarTelemetry, SensorReading>>(1024, ContractFormat.OfInputs<Merged<CarTelemetry, SensorReading>>(null), options.InputOf);

        var refused = Assert.Throws<MessageFormatException>(() => reader.Deserialize(null, true, new SerializationContext(MessageComponentType.Value, "sensor-readings", [])));

        Assert.Contains("SensorReading", refused.Message);
        Assert.DoesNotContain("CarTelemetry", refused.Message);
    }

    [Fact]
    public void The_merged_rows_key_and_timestamp_are_those_of_the_row_it_holds_and_its_schema_names_both_contracts()
    {
        var schema = MessageSerializer.SchemaOf<Merged<CarTelemetry, SensorReading>>();
        var car = new Merged<CarTelemetry, SensorReading>(Car);
        var sensor = new Merged<CarTelemetry, SensorReading>(Sensor);

        Assert.Equal("Pipelines.Tests.Contracts.CarTelemetry | Pipelines.Tests.Contracts.SensorReading", schema.Name);
        Assert.NotNull(schema.Timestamp); // both have one
        Assert.Equal("car-1"u8.ToArray(), Key(car));
        Assert.Equal("s1"u8.ToArray(), Key(sensor));
        Assert.Equal((7L, 9L), (Time(car), Time(sensor)));
        Assert.Equal(Car.Speed, MessageSerializer.Deserialize<CarTelemetry>(MessageSerializer.Serialize(car)).Speed); // written as its own contract
        Assert.Throws<NotSupportedException>(() => MessageSerializer.Deserialize<Merged<CarTelemetry, SensorReading>>(MessageSerializer.Serialize(Car)));

        static byte[]? Key(Merged<CarTelemetry, SensorReading> row) => Serializer().StreamKey(row);

        static long? Time(Merged<CarTelemetry, SensorReading> row) => Serializer().TimestampOf(row);

        static IMessageSerializer<Merged<CarTelemetry, SensorReading>> Serializer() => GetSerializer<Merged<CarTelemetry, SensorReading>>();
    }

    [Fact]
    public void Offsets_are_committed_per_topic_even_where_partitions_and_offsets_coincide()
    {
        var tracker = new OffsetTracker(["a", "b"], new("pipelines.processor", "test"));
        var first = tracker.Rent();
        tracker.Begin(0, 5, first, input: 0);
        var second = tracker.Rent();
        tracker.Begin(0, 5, second, input: 1); // the same partition and offset, of the other topic: not out of order
        second.Finish();
        var committable = new List<TopicPartitionOffset>();
        tracker.TakeCommittable(committable);
        first.Finish();
        tracker.Forget([new TopicPartition("b", 0)]);
        tracker.TakeCommittable(committable);

        Assert.Equal([new TopicPartitionOffset("b", 0, 6), new TopicPartitionOffset("a", 0, 6)], committable);
    }

    [Theory]
    [InlineData(new[] { "only" }, "InputTopics")]
    [InlineData(new[] { "a", "a" }, "InputTopics")]
    [InlineData(new[] { "a", "" }, "InputTopics")]
    public void Several_inputs_must_be_two_or_more_different_topics(string[] inputs, string setting)
    {
        var refused = Assert.Throws<ArgumentException>(() => Options(inputs).Validate());

        Assert.Contains(setting, refused.Message);
    }

    [Fact]
    public void The_input_topic_of_a_processor_with_several_inputs_is_the_first_of_them()
    {
        var refused = Assert.Throws<ArgumentException>(() => (Options("a", "b") with { InputTopic = "renamed" }).Validate());

        Assert.Contains("reads several topics (a, b)", refused.Message);
        Assert.Equal((0, 1, 0), (Options("a", "b").InputOf("a"), Options("a", "b").InputOf("b"), Options().InputOf(null)));
    }

    private static IMessageSerializer<T> GetSerializer<T>()
        where T : IMessageContract<T> => T.Serializer;
}
