using System.Diagnostics;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Writes what handlers return to the output topic: each row at once, or through the output buffers, which pack a
/// stream's rows into packed rows (see <see cref="OutputProducer{TOut}"/>). Stream messages (properties,
/// ends) go after every row written before them. An output the broker refuses outright fails the work that produced
/// it, so nothing past its input is committed. One per run; for the loop's thread only.
/// </summary>
internal sealed class OutputStage<TOut>
    where TOut : IMessageContract<TOut>
{
    private readonly ProcessorOptions options;
    private readonly OutputProducer<TOut> producer;
    private readonly Outputs<TOut> outputs;
    private readonly StreamContext context;
    private readonly OffsetTracker tracker;
    private readonly RowBuffers<TOut>? buffers;
    private readonly Headers streamHeaders = new();
    private long bytesPerRow;

    /// <param name="options">The processor's settings: its output topic and output buffer.</param>
    /// <param name="producer">The run's producer.</param>
    /// <param name="outputs">Where handlers leave their outputs.</param>
    /// <param name="context">The message at hand, named by a failure.</param>
    /// <param name="tracker">Chains a flushed buffer's work to the works of its rows.</param>
    public OutputStage(ProcessorOptions options, OutputProducer<TOut> producer, Outputs<TOut> outputs, StreamContext context, OffsetTracker tracker)
    {
        this.options = options;
        this.producer = producer;
        this.outputs = outputs;
        this.context = context;
        this.tracker = tracker;
        if (options.OutputBuffer is { } buffer && options.OutputTopic is not null)
        {
            buffers = new RowBuffers<TOut>(buffer, time: options.TimeProvider);
        }
    }

    /// <summary>How many rows wait in the output buffers.</summary>
    public int Buffered => buffers?.Buffered ?? 0;

    /// <summary>The run's producer, for flushing and dead letters.</summary>
    public OutputProducer<TOut> Producer => producer;

    /// <summary>
    /// Writes what the last handler call returned under its stream key (or <paramref name="inputKey"/> for a row
    /// without tags), at once or into the output buffers (and whatever they flush), then clears the outputs.
    /// </summary>
    public void Emit(byte[]? inputKey, Activity? activity, Work work)
    {
        if (options.OutputTopic is not { } topic)
        {
            outputs.Clear();
            return;
        }

        var produced = outputs.Rows;
        if (buffers is null)
        {
            for (var i = 0; i < produced.Count; i++)
            {
                try
                {
                    producer.ProduceOutput(topic, produced[i], inputKey, activity, work);
                }
                catch (KafkaException exception)
                {
                    // The broker refused the output outright (too large, say): nothing past this input may be committed.
                    work.Stop(new ProcessorStoppedException(options.Name, context.Source, exception));
                    break;
                }
            }

            outputs.Clear();
            return;
        }

        var now = options.TimeProvider.GetTimestamp();
        for (var i = 0; i < produced.Count; i++)
        {
            var row = produced[i];
            if (bytesPerRow == 0)
            {
                // A first estimate: a row on its own is larger than its share of a batch.
                bytesPerRow = producer.Format.SizeOf(row, topic);
            }

            buffers.Add(0, TOut.Serializer.StreamKey(row) ?? inputKey, row, default, (int)bytesPerRow, TOut.Serializer.TimestampOf(row), work, now);
        }

        outputs.Clear();
        Drain();
    }

    /// <summary>Writes a stream message to the output topic under the stream's key, after the rows written before it.</summary>
    public void Forward(MessageType type, byte[]? key, byte[]? value, Work work)
    {
        if (options.OutputTopic is not { } topic)
        {
            return;
        }

        FlushBuffers();
        streamHeaders.Remove(MessageTypes.Header);
        streamHeaders.Add(MessageTypes.Header, MessageTypes.ValueOf(type));
        try
        {
            producer.Produce(topic, key, value, streamHeaders, Timestamp.Default, work);
        }
        catch (KafkaException exception)
        {
            work.Stop(new ProcessorStoppedException(options.Name, context.Source, exception));
        }
    }

    /// <summary>Applies the output buffers' time rules at <paramref name="now"/>, writing what they flush.</summary>
    public void Tick(long now)
    {
        if (buffers is not null)
        {
            buffers.Tick(now);
            Drain();
        }
    }

    /// <summary>Writes every buffered row now: before a stream message, a hand-over or a stop.</summary>
    public void FlushBuffers()
    {
        if (buffers is not null)
        {
            buffers.FlushAll();
            Drain();
        }
    }

    private void Drain()
    {
        while (buffers!.Ready.TryDequeue(out var flush))
        {
            var work = tracker.Chain(flush.Works);
            try
            {
                var written = producer.ProduceRows(options.OutputTopic!, flush, options.OutputBuffer!.MaxBytes, work, Activity.Current); // the span of the row that flushed it, if any
                bytesPerRow = Math.Max(1, (written + flush.Count - 1) / flush.Count);
            }
            catch (KafkaException exception)
            {
                work.Stop(new ProcessorStoppedException(options.Name, new TopicPartitionOffset(options.InputTopic, flush.Partition, Offset.Unset), exception));
            }

            work.Finish();
            buffers.Return(flush);
        }
    }
}
