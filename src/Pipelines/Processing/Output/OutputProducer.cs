using System.Buffers;
using System.Text;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Produces a processor's outputs and dead letters without a new object per message where it can: librdkafka
/// copies key, value and headers during <c>Produce</c>, so the message, its headers and the value arrays
/// (one per length) are reused. A full local queue is waited out rather than failed. A message larger than the
/// processor's <see cref="ProcessorOptions.MaxMessageBytes"/> is written as chunks (see <see cref="SplitHeaders"/>).
/// </summary>
internal sealed class OutputProducer<TOut>
    where TOut : IMessageContract<TOut>
{
    // Rows are small; values up to this length reuse an array of exactly their length.
    private const int MaxReusedLength = 2048;
    private static readonly TimeSpan QueueFullWait = TimeSpan.FromMilliseconds(50);
    private const string ContentTypeHeader = "content-type";

    // Room left in each chunk for the record's own framing beside its key, headers and value.
    private const int ChunkFraming = 512;

    private readonly IProducer<byte[]?, byte[]?> producer;
    private readonly ContractFormat<TOut> format;
    private readonly int maxMessageBytes;
    private readonly Message<byte[]?, byte[]?> message = new();
    private readonly Headers headers;
    private readonly Headers rowsHeaders;
    private readonly ArrayBufferWriter<byte> scratch = new(1024);
    private readonly byte[]?[] values = new byte[]?[MaxReusedLength + 1];

    public OutputProducer(IProducer<byte[]?, byte[]?> producer, ContractFormat<TOut> format, int maxMessageBytes)
    {
        this.producer = producer;
        this.format = format;
        this.maxMessageBytes = maxMessageBytes;
        var contentType = Encoding.UTF8.GetBytes(TOut.Serializer.Schema.ContentType);
        headers = new Headers { { ContentTypeHeader, contentType } };
        rowsHeaders = new Headers { { ContentTypeHeader, contentType }, { MessageTypes.Header, MessageTypes.ValueOf(MessageType.Rows) } };
    }

    /// <summary>The format rows are written in.</summary>
    public ContractFormat<TOut> Format => format;

    /// <summary>
    /// Produces buffered rows of one stream in the packed-rows layout (one row alone as a plain row), split so that no
    /// message exceeds <paramref name="maxBytes"/> unless a single row does; a format that cannot pack rows (Avro, JSON
    /// Schema) gets a message per row. Returns the bytes written.
    /// </summary>
    public long ProduceRows(string topic, BufferedRows<TOut> flush, int? maxBytes, Work work, System.Diagnostics.Activity? activity)
    {
        if (activity is null)
        {
            return ProduceRows(topic, flush.Key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(flush.Rows), maxBytes, work);
        }

        // Both header sets: the flush may go as one plain row or as packed rows.
        PipelinesTelemetry.Inject(activity, headers);
        PipelinesTelemetry.Inject(activity, rowsHeaders);
        try
        {
            return ProduceRows(topic, flush.Key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(flush.Rows), maxBytes, work);
        }
        finally
        {
            PipelinesTelemetry.Uninject(headers);
            PipelinesTelemetry.Uninject(rowsHeaders);
        }
    }

    private long ProduceRows(string topic, byte[]? key, ReadOnlySpan<TOut> rows, int? maxBytes, Work work)
    {
        if (rows.Length > 1 && !format.PacksRows)
        {
            var total = 0L;
            for (var i = 0; i < rows.Length; i++)
            {
                total += ProduceRows(topic, key, rows.Slice(i, 1), maxBytes, work);
            }

            return total;
        }

        scratch.ResetWrittenCount();
        if (rows.Length == 1)
        {
            format.Write(scratch, rows[0], topic);
        }
        else
        {
            format.WritePacked(scratch, rows, topic);
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
        format.Write(scratch, row, topic);
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
            PipelinesTelemetry.Uninject(headers);
        }
    }

    /// <summary>Produces a message as given; a <paramref name="deadLetter"/> is counted as one.</summary>
    public void Produce(string topic, byte[]? key, byte[]? value, Headers? messageHeaders, Timestamp timestamp, Work work, bool deadLetter = false)
    {
        if (value is not null && value.Length + ChunkFraming > maxMessageBytes)
        {
            var framing = ChunkFraming + (key?.Length ?? 0) + HeadersSize(messageHeaders);
            if (value.Length + framing > maxMessageBytes)
            {
                ProduceChunks(topic, key, value, messageHeaders, timestamp, work, deadLetter, Math.Max(1, maxMessageBytes - framing - SplitHeadersSize));
                return;
            }
        }

        ProduceOne(topic, key, value, messageHeaders, timestamp, work, deadLetter);
    }

    // The split headers' names and their largest values (32 hex digits, two int32s).
    private static readonly int SplitHeadersSize = SplitHeaders.Id.Length + SplitHeaders.Index.Length + SplitHeaders.Count.Length + 32 + 11 + 11;

    private static int HeadersSize(Headers? headers)
    {
        var size = 0;
        for (var i = 0; headers is not null && i < headers.Count; i++)
        {
            size += headers[i].Key.Length + (headers[i].GetValueBytes()?.Length ?? 0) + 8;
        }

        return size;
    }

    /// <summary>Writes <paramref name="value"/> as chunks of at most <paramref name="chunkSize"/> bytes, in order, under one key (so one partition).</summary>
    private void ProduceChunks(string topic, byte[]? key, byte[] value, Headers? messageHeaders, Timestamp timestamp, Work work, bool deadLetter, int chunkSize)
    {
        var id = Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N"));
        var count = (value.Length + chunkSize - 1) / chunkSize;
        for (var index = 0; index < count; index++)
        {
            var chunk = value.AsSpan(index * chunkSize, Math.Min(chunkSize, value.Length - index * chunkSize)).ToArray();
            ProduceOne(topic, key, chunk, SplitHeaders.For(messageHeaders, id, index, count), timestamp, work, deadLetter);
        }
    }

    private void ProduceOne(string topic, byte[]? key, byte[]? value, Headers? messageHeaders, Timestamp timestamp, Work work, bool deadLetter)
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
