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
    private readonly Headers rowsHeaders;
    private readonly ArrayBufferWriter<byte> scratch = new(1024);
    private readonly byte[]?[] values = new byte[]?[MaxReusedLength + 1];

    public OutputProducer(IProducer<byte[]?, byte[]?> producer)
    {
        this.producer = producer;
        var contentType = Encoding.UTF8.GetBytes(TOut.Serializer.Schema.ContentType);
        headers = new Headers { { ContentTypeHeader, contentType } };
        rowsHeaders = new Headers { { ContentTypeHeader, contentType }, { MessageTypes.Header, MessageTypes.RowsValue } };
    }

    /// <summary>
    /// Produces buffered rows of one stream in the row-batch layout (one row alone as a plain row), split so that no
    /// message exceeds <paramref name="maxBytes"/> unless a single row does. Returns the bytes written.
    /// </summary>
    public long ProduceRows(string topic, RowChunk<TOut> chunk, int? maxBytes, Work work) =>
        ProduceRows(topic, chunk.Key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunk.Rows), maxBytes, work);

    private long ProduceRows(string topic, byte[]? key, ReadOnlySpan<TOut> rows, int? maxBytes, Work work)
    {
        scratch.ResetWrittenCount();
        if (rows.Length == 1)
        {
            MessageSerializer.Serialize(scratch, rows[0]);
        }
        else
        {
            MessageSerializer.SerializeBatch(scratch, rows);
        }

        if (rows.Length > 1 && scratch.WrittenCount > maxBytes)
        {
            // The size rule estimates; halving until each part fits keeps every message under the limit.
            var half = rows.Length / 2;
            return ProduceRows(topic, key, rows[..half], maxBytes, work) + ProduceRows(topic, key, rows[half..], maxBytes, work);
        }

        var written = scratch.WrittenCount;
        Produce(topic, key, Reused(scratch.WrittenSpan), rows.Length == 1 ? headers : rowsHeaders, Timestamp.Default, work);
        return written;
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

    /// <summary>Produces a message as given; a <paramref name="deadLetter"/> is counted as one.</summary>
    public void Produce(string topic, byte[]? key, byte[]? value, Headers? messageHeaders, Timestamp timestamp, Work work, bool deadLetter = false)
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
                producer.Produce(topic, message, deadLetter ? work.OnDeadLetterDelivered : work.OnDelivered);
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
