using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Processing;
using Pipelines.Testing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

/// <summary>
/// The loop's parts wired as one run wires them, without a broker: no output topic (so nothing is produced) and the
/// Skip failure policy (so a rejection writes nothing). Messages are read by the real reader into the current round.
/// </summary>
internal sealed class StageHarness
{
    public StageHarness(TestProcessor<CarTelemetry, CarTelemetry> processor, BufferOptions? inputBuffer = null, Pipelines.State.StateTable? state = null)
    {
        Options = new ProcessorOptions
        {
            Name = "test",
            GroupId = "test",
            InputTopic = "in",
            BootstrapServers = "unused",
            OnFailure = FailurePolicy.Skip,
            MaxRetries = 0,
            InputBuffer = inputBuffer,
        };
        Calls = new ProcessorCalls<CarTelemetry, CarTelemetry>(processor, new RetryPolicy(0, TimeSpan.Zero), NullLogger.Instance, "test", Tag) { State = state };
        var rejections = new Rejections<CarTelemetry, CarTelemetry>(Options, Round, null!, NullLogger.Instance, Tag);
        var output = new OutputStage<CarTelemetry>(Options, null!, Calls.Outputs, Calls.Context, Tracker);
        Input = new InputStage<CarTelemetry, CarTelemetry>(Options, Calls, Round, output, rejections, Tracker, NullLogger.Instance);
        Streams = new StreamStage<CarTelemetry, CarTelemetry>(Options, Calls, Round, output, rejections, Tracker);
    }

    public static KeyValuePair<string, object?> Tag { get; } = new("pipelines.processor", "test");

    public ProcessorOptions Options { get; }

    public InputDeserializer<CarTelemetry> Round { get; } = new(1024 * 1024, ContractFormat.OfInputs<CarTelemetry>(null));

    public OffsetTracker Tracker { get; } = new(["in"], Tag);

    public ProcessorCalls<CarTelemetry, CarTelemetry> Calls { get; }

    public InputStage<CarTelemetry, CarTelemetry> Input { get; }

    public StreamStage<CarTelemetry, CarTelemetry> Streams { get; }

    /// <summary>Reads rows of one car as one message (packed if more than one) at <paramref name="offset"/>, opening its stream.</summary>
    public async Task<InboundMessage> RowsAsync(long offset, string car, params double[] speeds)
    {
        var rows = speeds.Select(speed => new CarTelemetry { CarId = car, Speed = speed }).ToArray();
        var value = rows.Length == 1 ? MessageSerializer.Serialize(rows[0]) : MessageSerializer.SerializePacked<CarTelemetry>(rows);
        return await ReadAsync(offset, car, value, rows.Length == 1 ? MessageTypes.Row : MessageTypes.Rows);
    }

    /// <summary>Reads the end of a car's stream at <paramref name="offset"/>.</summary>
    public Task<InboundMessage> EndAsync(long offset, string car, StreamEnd end) =>
        ReadAsync(offset, car, StreamCodec.Write(end), MessageTypes.StreamEnd);

    /// <summary>The offsets the tracker would commit now, per partition.</summary>
    public long[] Committable()
    {
        var committable = new List<TopicPartitionOffset>();
        Tracker.TakeCommittable(committable);
        return committable.Select(c => c.Offset.Value).ToArray();
    }

    private async Task<InboundMessage> ReadAsync(long offset, string car, byte[] value, string type, int partition = 0)
    {
        var headers = new Headers { { MessageTypes.Header, Encoding.UTF8.GetBytes(type) } };
        var key = StreamKeys.Format(car);
        var slot = Round.Count;
        var rows = Round.Deserialize(value, false, new SerializationContext(MessageComponentType.Value, "in", headers));
        var work = Tracker.Rent();
        Tracker.Begin(partition, offset, work);
        var message = new InboundMessage().Fill(partition, offset, key, headers, Timestamp.Default, rows, slot, work);
        await Streams.OpenAsync(message, System.Diagnostics.Stopwatch.GetTimestamp(), CancellationToken.None);
        return message;
    }
}
