using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Processing;
using Pipelines.Infrastructure;

namespace Pipelines.Publishing;

/// <summary>
/// Writes a topic from outside a processor (a device gateway, a simulator, a replay): rows of a contract, packed by
/// an optional buffer, and the stream messages processors read beside them (events, properties, ends), with the
/// same wire format, compression and large-message splitting as processors. Each stream's messages are written in
/// the order of the calls: an event, properties or end is written after the stream's buffered rows. Thread-safe.
/// </summary>
/// <remarks>
/// Writes are asynchronous: a delivery that fails is reported by the next call, and by <see cref="Flush"/>, which
/// also waits for every message to be acknowledged. <see cref="Dispose"/> flushes.
/// </remarks>
public sealed class TopicWriter<T> : IDisposable
    where T : IMessageContract<T>
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DisposeFlushTimeout = TimeSpan.FromSeconds(30);

    private readonly object gate = new();
    private readonly TopicWriterOptions options;
    private readonly IProducer<byte[]?, byte[]?> producer;
    private readonly bool ownsProducer;
    private readonly OutputProducer<T> output;
    private readonly StopLatch stops;
    private readonly Work writes;
    private readonly RowBuffers<T>? buffers;
    private readonly Timer? timer;
    private readonly Headers streamHeaders = new();
    private long bytesPerRow;
    private bool disposed;

    /// <summary>Creates the writer and its producer.</summary>
    /// <param name="options">How it writes; validated here.</param>
    /// <param name="logger">Where librdkafka's own messages go (docs/logging.md, id 600); without one, librdkafka writes them to standard error.</param>
    /// <exception cref="ArgumentException">The contract has no topic and none is given, or a setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">The contract's topic format needs a Schema Registry and none is given.</exception>
    /// <exception cref="SchemaIncompatibleException">The Schema Registry refused the contract's schema.</exception>
    public TopicWriter(TopicWriterOptions options, ILogger? logger = null)
        : this(options, shared: null, logger)
    {
    }

    /// <summary>A writer through <paramref name="shared"/>'s producer (its settings, not <paramref name="options"/>' producer settings); disposing the writer leaves it open.</summary>
    internal TopicWriter(TopicWriterOptions options, SharedProducer? shared, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        Topic = options.Topic ?? T.Serializer.Schema.Topic ?? throw new ArgumentException($"{typeof(T).Name} has no [Topic]; set {nameof(TopicWriterOptions.Topic)}.", nameof(options));
        options.Validate(Topic, T.Serializer.Schema);
        stops = new StopLatch(new(PipelinesTelemetry.ProcessorTag, "writer of " + Topic));
        var format = ContractFormat.Of<T>(options.SchemaRegistry, options.SubjectNameStrategy);
        Register(format, Topic);
        ownsProducer = shared is null;
        producer = shared?.Producer ?? SharedProducer.Build(options, logger);
        output = new OutputProducer<T>(producer, format, options.MaxMessageBytes);

        // Every buffered row holds a share of this work, released when its flush is delivered; it never finishes.
        writes = Work.Chained(stops, []);
        if (options.Buffer is { } buffer)
        {
            buffers = new RowBuffers<T>(buffer);
            timer = new Timer(_ => Tick(), null, TickInterval, TickInterval);
        }
    }

    /// <summary>
    /// Registers the contract's schema for a registry format at once (a single call, no waiting), so that a schema
    /// the registry refuses, or a registry that is not there, is said by the constructor rather than by a later write.
    /// </summary>
    private static void Register(ContractFormat<T> format, string topic)
    {
        try
        {
            format.Register(topic);
        }
        catch (Confluent.SchemaRegistry.SchemaRegistryException refused) when (!RegistryCalls.IsOutage(refused))
        {
            var subject = format.SubjectOf(topic)!;
            throw new SchemaIncompatibleException(subject, $"TopicWriter of '{topic}': the Schema Registry refused {T.Serializer.Schema.Name}'s {T.Serializer.Schema.Format} schema under subject '{subject}' ({refused.Message}).", refused);
        }
    }

    /// <summary>The topic written.</summary>
    public string Topic { get; }

    /// <summary>Writes a row under its stream key (its tags), or into its stream's buffer.</summary>
    public void Write(T row)
    {
        lock (gate)
        {
            ThrowIfUnusable();
            Add(row, writes);
            Drain();
        }
    }

    /// <summary>
    /// Writes <paramref name="rows"/> like <see cref="Write(T)"/>, and calls <paramref name="acknowledged"/> once: with
    /// <see langword="null"/> when the broker has acknowledged every message that holds one of them, or with why one was
    /// not written. A failure is told there only, never to a later call (the HTTP writer answers each request for its own
    /// rows); a refusal still leaves the writer unusable.
    /// </summary>
    internal void Write(IReadOnlyList<T> rows, Action<Exception?> acknowledged)
    {
        lock (gate)
        {
            ThrowIfRefused();
            var request = Work.Completing(stops, acknowledged);
            foreach (var row in rows)
            {
                Add(row, request);
            }

            Drain();
            request.Finish();
        }
    }

    /// <summary>Writes a row at once, or into its stream's buffer, as part of <paramref name="work"/>; under the lock.</summary>
    private void Add(T row, Work work)
    {
        if (buffers is null)
        {
            using var send = PipelinesTelemetry.StartSend(Topic);
            output.ProduceOutput(Topic, row, null, send, work);
            return;
        }

        if (bytesPerRow == 0)
        {
            bytesPerRow = output.Format.SizeOf(row, Topic);
        }

        buffers.Add(0, T.Serializer.StreamKey(row), row, default, (int)bytesPerRow, T.Serializer.TimestampOf(row), work, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// For a write that reports its own failures (<see cref="Work.Completing"/>): throws only for a disposed writer or a
    /// refusal; a flush's passing failure was already told to the writes whose rows it held.
    /// </summary>
    private void ThrowIfRefused()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (stops.Reason is { } refused)
        {
            throw refused;
        }

        stops.TakeReplay();
    }

    /// <summary>Writes an event into the stream <paramref name="streamKey"/>, after the stream's buffered rows.</summary>
    public void WriteEvent(string streamKey, StreamEvent streamEvent)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        WriteStreamMessage(streamKey, MessageType.Event, StreamCodec.Write(streamEvent));
    }

    /// <summary>Sets the properties of the stream <paramref name="streamKey"/>: its name, metadata and parents.</summary>
    public void SetProperties(string streamKey, StreamProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        WriteStreamMessage(streamKey, MessageType.StreamProperties, StreamCodec.Write(properties));
    }

    /// <summary>Ends the stream <paramref name="streamKey"/>: readers see it close.</summary>
    public void EndStream(string streamKey, StreamEnd end = StreamEnd.Closed)
    {
        if (end is not (StreamEnd.Closed or StreamEnd.Aborted))
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, "A producer ends a stream as Closed or Aborted.");
        }

        WriteStreamMessage(streamKey, MessageType.StreamEnd, StreamCodec.Write(end));
    }

    /// <summary>Writes every buffered row and waits until everything written is acknowledged.</summary>
    /// <exception cref="KafkaException">A message could not be delivered, or <paramref name="timeout"/> passed first.</exception>
    public void Flush(TimeSpan? timeout = null)
    {
        lock (gate)
        {
            ThrowIfUnusable();
            buffers?.FlushAll();
            Drain();
        }

        var left = producer.Flush(timeout ?? Timeout.InfiniteTimeSpan);
        ThrowIfFailed();
        if (left > 0)
        {
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"{left} messages to {Topic} were not acknowledged within {timeout}."));
        }
    }

    /// <summary>Flushes (up to 30 s), then closes the producer (one of its own; a shared one stays open).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        timer?.Dispose();
        try
        {
            Flush(DisposeFlushTimeout);
        }
        finally
        {
            disposed = true;
            if (ownsProducer)
            {
                producer.Dispose();
            }
        }
    }

    /// <summary>
    /// Writes events, properties or an end (<paramref name="kind"/>, encoded) into the stream <paramref name="streamKey"/>
    /// after its buffered rows, and calls <paramref name="acknowledged"/> once, as the acknowledged write of rows does.
    /// </summary>
    internal void WriteStreamMessages(string streamKey, MessageType kind, IReadOnlyList<byte[]> values, Action<Exception?> acknowledged)
    {
        var request = Work.Completing(stops, acknowledged);
        foreach (var value in values)
        {
            WriteStreamMessage(streamKey, kind, value, request);
        }

        request.Finish();
    }

    private void WriteStreamMessage(string streamKey, MessageType kind, byte[] value, Work? acknowledged = null)
    {
        ArgumentNullException.ThrowIfNull(streamKey);
        var key = Utf8StringPool.Shared.GetBytes(streamKey);
        lock (gate)
        {
            if (acknowledged is null)
            {
                ThrowIfUnusable();
            }
            else
            {
                ThrowIfRefused();
            }

            if (buffers is not null)
            {
                buffers.Flush(0, key);
                Drain();
            }

            streamHeaders.Remove(MessageTypes.Header);
            streamHeaders.Add(MessageTypes.Header, MessageTypes.ValueOf(kind));
            using var send = PipelinesTelemetry.StartSend(Topic);
            PipelinesTelemetry.Inject(send, streamHeaders);
            try
            {
                output.Produce(Topic, key, value, streamHeaders, Timestamp.Default, acknowledged ?? writes);
            }
            finally
            {
                PipelinesTelemetry.Uninject(streamHeaders);
            }
        }
    }

    private void Tick()
    {
        lock (gate)
        {
            if (disposed || buffers is null || buffers.Buffered == 0)
            {
                return;
            }

            buffers.Tick(System.Diagnostics.Stopwatch.GetTimestamp());
            Drain();
        }
    }

    private void Drain()
    {
        while (buffers is not null && buffers.Ready.TryDequeue(out var flush))
        {
            var work = Work.Chained(stops, flush.Works);
            using var send = PipelinesTelemetry.StartSend(Topic);
            var written = output.ProduceRows(Topic, flush, options.Buffer!.MaxBytes, work, send);
            bytesPerRow = Math.Max(1, (written + flush.Count - 1) / flush.Count);
            work.Finish();
            buffers.Return(flush);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        // A refusal leaves the writer unusable; a delivery that failed for a passing reason is reported once, and the
        // writer writes on (what to write again is the application's to decide: librdkafka already retried it).
        if ((stops.Reason ?? stops.TakeReplay()) is { } failure)
        {
            throw failure;
        }
    }
}
