using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Processing;

/// <summary>
/// Fetches input in rounds: each <see cref="Fetch"/> consumes one message, which the <see cref="Reader"/> has already
/// read, registers its offset with the tracker (in fetch order, as the commit rule needs) and adds it to
/// <see cref="Round"/> as an <see cref="InboundMessage"/>. A message that cannot be read is rejected here; a chunk of
/// a split message waits in the <see cref="SplitJoiner{TIn}"/> and its whole message joins the round once complete.
/// A new round (<see cref="BeginRound"/>) recycles the last round's messages that were not kept. One per run; for the
/// loop's thread only.
/// </summary>
internal sealed class InputFetcher<TIn, TOut>
    where TIn : IMessageContract<TIn>
    where TOut : IMessageContract<TOut>
{
    private readonly ProcessorOptions options;
    private readonly IConsumer<byte[]?, RowRange> consumer;
    private readonly OffsetTracker tracker;
    private readonly Rejections<TIn, TOut> rejections;
    private readonly SplitJoiner<TIn> splits;
    private readonly ILogger logger;
    private readonly System.Diagnostics.TagList consumeTags;
    private readonly List<InboundMessage> spare = [];
    private readonly InputAligner? aligner;
    private readonly List<InboundMessage> arrivals = [];

    private readonly CancellationToken stopping;

    // Whether the last fetch found nothing: the consumer had handed over all it had.
    private bool drained;

    public InputFetcher(ProcessorOptions options, IConsumer<byte[]?, RowRange> consumer, InputDeserializer<TIn> reader, OffsetTracker tracker, Rejections<TIn, TOut> rejections, ILogger logger, KeyValuePair<string, object?> processorTag, CancellationToken stopping)
    {
        this.options = options;
        this.stopping = stopping;
        this.consumer = consumer;
        this.tracker = tracker;
        this.rejections = rejections;
        this.logger = logger;
        consumeTags = PipelinesTelemetry.ConsumeTags(options);
        Reader = reader;
        splits = new SplitJoiner<TIn>(reader, tracker, options);
        if (options.Inputs.Count > 1 && options.MaxInputWait > TimeSpan.Zero)
        {
            aligner = new InputAligner(
                options.Inputs.Count,
                options.MaxInputWait,
                new ConsumerProgress(consumer, options.Inputs),
                (input, partition) => Log.InputWaitEnded(logger, options.Name, options.TopicOf(input), partition, options.MaxInputWait));
        }
    }

    /// <summary>The reader the consumer deserializes with: the round's rows and values as consumed.</summary>
    public InputDeserializer<TIn> Reader { get; }

    /// <summary>The messages of the current round, in fetch order (or, with several inputs, in timestamp order: see <see cref="Align"/>).</summary>
    public List<InboundMessage> Round { get; } = [];

    /// <summary>Whether messages wait to be put in timestamp order across inputs; if so, the loop must come back for them in time.</summary>
    public bool IsHolding => aligner is { Held: > 0 };

    /// <summary>Starts a round: the reader forgets the last round's rows and values, and its messages not kept are reused.</summary>
    public void BeginRound()
    {
        foreach (var message in Round)
        {
            if (!message.IsKept)
            {
                spare.Add(message);
            }
        }

        Round.Clear();
        Reader.Clear();
    }

    /// <summary>
    /// Consumes one message, waiting up to <paramref name="timeout"/>: added to <see cref="Round"/> (or held, as a
    /// chunk, or rejected, if it cannot be read). False when there was none.
    /// </summary>
    public bool Fetch(TimeSpan timeout)
    {
        drained = !FetchOne(timeout);
        return !drained;
    }

    private bool FetchOne(TimeSpan timeout)
    {
        var slot = Reader.Count;
        ConsumeResult<byte[]?, RowRange>? result;
        try
        {
            result = consumer.Consume(timeout);
        }
        catch (ConsumeException exception) when (exception.InnerException is Pipelines.Infrastructure.SchemaRegistryUnavailableException unavailable)
        {
            ReadWhenAnswered(exception.ConsumerRecord, unavailable);
            return true;
        }
        catch (ConsumeException exception) when (exception.Error.Code is ErrorCode.Local_ValueDeserialization or ErrorCode.Local_KeyDeserialization)
        {
            Reject(exception);
            return true;
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            // librdkafka recovers from these (a broker restarting, a rebalance); the next poll goes on.
            Log.FetchFailed(logger, exception, options.Name, exception.Error.Reason);
            return false;
        }

        if (result is null || result.IsPartitionEOF)
        {
            return false;
        }

        PipelinesTelemetry.Consumed.Add(1, consumeTags);
        var (partition, offset, message) = (result.Partition.Value, result.Offset.Value, result.Message);
        var input = options.InputOf(result.Topic);

        // Registered as it is fetched, chunks too: the tracker's commit rule needs every partition's offsets in fetch order.
        var work = tracker.Rent();
        tracker.Begin(partition, offset, work, input);
        Reader.Stamp(message.Timestamp);
        var inbound = Next().Fill(partition, offset, message.Key, message.Headers, message.Timestamp, message.Value, slot, work, input);
        if (!inbound.Rows.IsChunk)
        {
            Round.Add(inbound);
        }
        else if (splits.Add(inbound, rejections) is { } joined)
        {
            Round.Add(joined);
        }

        return true;
    }

    /// <summary>
    /// With several inputs, puts the round in timestamp order across them (<see cref="InputAligner"/>): messages that must
    /// wait for another input leave the round (their values kept, their rows read again when they go), and messages
    /// of earlier rounds whose turn came join it. Without, the round stays in fetch order.
    /// </summary>
    public void Align(long now)
    {
        if (aligner is null)
        {
            return;
        }

        arrivals.Clear();
        arrivals.AddRange(Round);
        foreach (var message in arrivals)
        {
            aligner.Add(message, TimeOf(message));
        }

        Round.Clear();
        aligner.Release(now, Round, drained);
        foreach (var message in Round)
        {
            if (message.IsHeld)
            {
                message.Reread(Reader);
            }
        }

        if (aligner.Held > 0)
        {
            // What stayed behind outlives the round, which forgets its rows and reuses its buffer.
            foreach (var message in arrivals)
            {
                if (message.IsWaiting)
                {
                    message.Hold(Reader);
                }
            }
        }
    }

    /// <summary>Rejects the split messages still incomplete <see cref="ProcessorOptions.SplitTimeout"/> after their first chunk.</summary>
    public void ExpireSplits(long now) => splits.Expire(now, rejections);

    /// <summary>Forgets what was fetched of partitions another instance already owns; it reads them again.</summary>
    public void Drop(Predicate<int> partitions)
    {
        splits.Drop(partitions);
        aligner?.Drop(partitions);
        Round.RemoveAll(message => partitions(message.Partition));
    }

    /// <summary>The lag of the assigned partitions: messages between each one's position and its high watermark.</summary>
    public long MeasureLag()
    {
        long total = 0;
        foreach (var partition in consumer.Assignment)
        {
            var watermarks = consumer.GetWatermarkOffsets(partition);
            var position = consumer.Position(partition);
            if (watermarks.High != Offset.Unset && position != Offset.Unset)
            {
                total += Math.Max(0, watermarks.High.Value - position.Value);
            }
        }

        return total;
    }

    /// <summary>A message's place in time across inputs: its first row's timestamp, else the broker's (in nanoseconds); none for a stream message.</summary>
    private long? TimeOf(InboundMessage message)
    {
        if (message.Rows.IsStreamMessage)
        {
            return null;
        }

        var time = message.Rows.Count > 0 ? TIn.Serializer.TimestampOf(Reader.Rows[message.Rows.Start]) : null;
        return time ?? message.Timestamp.UnixTimestampMs * 1_000_000;
    }

    private InboundMessage Next()
    {
        if (spare.Count == 0)
        {
            return new InboundMessage();
        }

        var message = spare[^1];
        spare.RemoveAt(spare.Count - 1);
        return message;
    }

    /// <summary>
    /// A message that is not the input's fault but cannot be read yet (its writer schema is new here and the Schema
    /// Registry did not answer): neither dead-lettered nor skipped, but read again from its kept value after a pause that
    /// grows while the registry stays away. The loop waits with it, so the messages after it keep their order; a stop
    /// ends the wait, and the message, never committed, is read again by whoever reads the partition next.
    /// </summary>
    private void ReadWhenAnswered(ConsumeResult<byte[], byte[]> record, Pipelines.Infrastructure.SchemaRegistryUnavailableException unavailable)
    {
        var input = options.InputOf(record.Topic);
        var (message, work) = Kept(record, input);
        var pause = GrowingPause.First;
        while (true)
        {
            Log.RegistryUnavailable(logger, options.Name, $"for {record.Topic} partition {record.Partition.Value} at offset {record.Offset.Value}", unavailable.Message, pause);
            if (stopping.WaitHandle.WaitOne(pause))
            {
                // Stopping: the message stays uncommitted (its work never finishes), so it is read again after a restart.
                return;
            }

            pause = GrowingPause.After(pause);
            try
            {
                message.Rows = Reader.ReadKept(record.Message.Value, record.Message.Headers, input);
                Reader.Stamp(record.Message.Timestamp);
                Round.Add(message);
                return;
            }
            catch (Pipelines.Infrastructure.SchemaRegistryUnavailableException again)
            {
                unavailable = again;
            }
            catch (MessageFormatException exception)
            {
                rejections.Reject(message, exception, work);
                work.Finish();
                return;
            }
        }
    }

    /// <summary>A message the reader refused (or whose key could not be read): rejected as consumed, then committed.</summary>
    private void Reject(ConsumeException exception)
    {
        var record = exception.ConsumerRecord;
        var input = options.InputOf(record.Topic);
        using var activity = PipelinesTelemetry.StartProcessing(options, input, record.Message.Headers, record.Partition.Value, record.Offset.Value);
        var (message, work) = Kept(record, input);
        rejections.Reject(message, exception.InnerException ?? exception, work);
        work.Finish();
    }

    /// <summary>A message the reader could not read as it was consumed: counted, registered with the tracker, its value kept.</summary>
    private (InboundMessage Message, Work Work) Kept(ConsumeResult<byte[], byte[]> record, int input)
    {
        PipelinesTelemetry.Consumed.Add(1, consumeTags);
        var work = tracker.Rent();
        tracker.Begin(record.Partition.Value, record.Offset.Value, work, input);
        return (InboundMessage.Kept(record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Headers, record.Message.Timestamp, default, record.Message.Value, work, input), work);
    }
}
