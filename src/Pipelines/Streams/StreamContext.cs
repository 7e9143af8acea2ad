using Confluent.Kafka;

namespace Pipelines;

/// <summary>
/// Where the rows being handled came from. For a batch handler it describes the batch's first message; every
/// row of a batch shares its partition and stream key. One instance per processor is refilled for every call,
/// so a handler must not keep it after it returns.
/// </summary>
public sealed class StreamContext
{
    /// <summary>The stream key as the Kafka key's bytes (the rows' tags), or empty; its text is <see cref="StreamInfo.Key"/> of <see cref="Stream"/>.</summary>
    public ReadOnlyMemory<byte> KeyBytes { get; private set; }

    /// <summary>The Kafka message timestamp.</summary>
    public Timestamp Timestamp { get; private set; }

    /// <summary>The message headers.</summary>
    public Headers? Headers { get; private set; }

    /// <summary>The topic read.</summary>
    public string Topic { get; private set; } = "";

    /// <summary>The message's partition.</summary>
    public int Partition { get; private set; }

    /// <summary>The message's offset.</summary>
    public long Offset { get; private set; }

    /// <summary>The stream being handled: its key and the properties its producer sent.</summary>
    public StreamInfo Stream { get; private set; } = null!;

    /// <summary>The message's topic, partition and offset together.</summary>
    public TopicPartitionOffset Source => new(Topic, Partition, Offset);

    /// <summary>
    /// The processor's keyed state for the stream being handled. For use by generated code, which passes it to a
    /// handler's <see cref="State{T}"/> parameter; not intended to be called directly.
    /// </summary>
    /// <exception cref="InvalidOperationException">The processor declares no state of contract <typeparamref name="T"/>.</exception>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public State<T> State<T>()
        where T : IMessageContract<T> =>
        (StateTable as Pipelines.State.KeyedState<T>)?.Facade as State<T>
        ?? throw new InvalidOperationException($"This processor declares no {typeof(T).Name} state.");

    /// <summary>
    /// The processor's global table at <paramref name="index"/> in <see cref="Pipelines.Infrastructure.IProcessor{TIn, TOut}.Tables"/>.
    /// For use by generated code, which passes it to a handler's <see cref="GlobalTable{T}"/> parameter; not intended to be called directly.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public GlobalTable<T> GlobalTable<T>(int index)
        where T : IMessageContract<T> =>
        TableAt<GlobalTable<T>>(index);

    /// <summary>
    /// The processor's partitioned table at <paramref name="index"/> in <see cref="Pipelines.Infrastructure.IProcessor{TIn, TOut}.Tables"/>.
    /// For use by generated code, which passes it to a handler's <see cref="Table{T}"/> parameter; not intended to be called directly.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public Table<T> Table<T>(int index)
        where T : IMessageContract<T> =>
        TableAt<Table<T>>(index);

    /// <summary>What the processor's tables hand to handlers, in the order of <see cref="Pipelines.Infrastructure.IProcessor{TIn, TOut}.Tables"/>.</summary>
    internal object[]? Tables { get; set; }

    private TTable TableAt<TTable>(int index)
        where TTable : class =>
        Tables is { } tables && (uint)index < (uint)tables.Length && tables[index] is TTable table
            ? table
            : throw new InvalidOperationException($"This processor reads no {typeof(TTable).Name.Split('`')[0]}<{typeof(TTable).GetGenericArguments()[0].Name}> at position {index}.");

    /// <summary>The processor's keyed state, set once with the calls that bracket it (see <see cref="Pipelines.Processing.ProcessorCalls{TIn, TOut}"/>).</summary>
    internal Pipelines.State.StateTable? StateTable { get; set; }

    /// <summary>Describes <paramref name="message"/>, read from <paramref name="topic"/>, for the next call.</summary>
    internal void Fill(Pipelines.Processing.InboundMessage message, string topic)
    {
        Stream = message.Stream;
        KeyBytes = message.Key;
        Timestamp = message.Timestamp;
        Headers = message.Headers;
        Topic = topic;
        Partition = message.Partition;
        Offset = message.Offset;
    }
}
