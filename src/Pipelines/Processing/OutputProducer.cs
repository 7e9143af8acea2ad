using System.Buffers;
using System.Text;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Produces a processor's outputs and dead letters without a new object per message where it can: librdkafka
/// copies key, value and headers during <c>Produce</c>, so the message, its headers and the value arrays
/// (one per length) are reused. A full local queue is waited out rather than failed.
/// </summary>
internal sealed class OutputProducer<TOut>
    where TOut : IMessageContract<TOut>
{
    // Rows are small; values up to this length reuse an array of exactly their length.
    private const int MaxReusedLength = 2048;
    private static readonly TimeSpan QueueFullWait = TimeSpan.FromMilliseconds(50);
    private const string ContentTypeHeader = "content-type";

    private readonly IProducer<byte[]?, byte[]?> producer;
    private readonly Message<byte[]?, byte[]?> message = new();
    private readonly Headers headers;
    private readonly ArrayBufferWriter<byte> scratch = new(1024);
    private readonly byte[]?[] values = new byte[]?[MaxReusedLength + 1];

    public OutputProducer(IProducer<byte[]?, byte[]?> producer)
    {
        this.producer = producer;
        headers = new Headers { { ContentTypeHeader, Encoding.UTF8.GetBytes(TOut.Serializer.Schema.ContentType) } };
    }

    /// <summary>Serializes <paramref name="row"/> and produces it under its stream key (or <paramref name="fallbackKey"/> if it has no tags).</summary>
    public void ProduceOutput(string topic, TOut row, byte[]? fallbackKey, System.Diagnostics.Activity? activity, Work work)
    {
        scratch.ResetWrittenCount();
        MessageSerializer.Serialize(scratch, row);
        var value = Reused(scratch.WrittenSpan);
        var key = TOut.Serializer.StreamKey(row) ?? fallbackKey;
        if (activity is null)
        {
            Produce(topic, key, value, headers, Timestamp.Default, work);
            return;
        }

        PipelinesTelemetry.Inject(activity, headers);
        try
        {
            Produce(topic, key, value, headers, Timestamp.Default, work);
        }
        finally
        {
            headers.Remove(PipelinesTelemetry.TraceParentHeader);
            headers.Remove(PipelinesTelemetry.TraceStateHeader);
        }
    }

    /// <summary>Produces a message as given (a dead letter).</summary>
    public void Produce(string topic, byte[]? key, byte[]? value, Headers? messageHeaders, Timestamp timestamp, Work work)
    {
        message.Key = key;
        message.Value = value;
        message.Headers = messageHeaders;
        message.Timestamp = timestamp;
        work.Expect();
        while (true)
        {
            try
            {
                producer.Produce(topic, message, work.OnDelivered);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The broker is slower than the handler: wait for acknowledgements to make room (backpressure).
                producer.Flush(QueueFullWait);
            }
            catch
            {
                work.Finish();
                throw;
            }
        }
    }

    /// <summary>Waits for every message in flight; returns how many are still unacknowledged.</summary>
    public int Flush(TimeSpan timeout) => producer.Flush(timeout);

    private byte[] Reused(ReadOnlySpan<byte> written)
    {
        if (written.Length > MaxReusedLength)
        {
            return written.ToArray();
        }

        var value = values[written.Length] ??= new byte[written.Length];
        written.CopyTo(value);
        return value;
    }
}
