namespace Pipelines.Processing;

/// <summary>How one processor consumes, handles stops, commits and produces.</summary>
public sealed record ProcessorOptions
{
    /// <summary>The processor's name, recorded in dead-letter headers and logs.</summary>
    public required string Name { get; init; }

    /// <summary>The consumer group; instances with the same group share the input's partitions.</summary>
    public required string GroupId { get; init; }

    /// <summary>The topic read; for a processor with several inputs, the first of <see cref="InputTopics"/>.</summary>
    public required string InputTopic { get; init; }

    /// <summary>
    /// Every topic read, for a processor with several inputs (a handler per input contract), in the order of its inputs;
    /// the first is <see cref="InputTopic"/>. Empty for a processor with one input. Their rows meet in one loop and share
    /// its keyed state and streams (a stream is a key on a partition number, whichever input its rows come from), so the
    /// topics must be co-partitioned: the processor compares their partition counts when it starts.
    /// </summary>
    public IReadOnlyList<string> InputTopics { get; init; } = [];

    /// <summary>The topic written, or <see langword="null"/> for a sink.</summary>
    public string? OutputTopic { get; init; }

    /// <summary>Where unprocessable messages go under <see cref="FailurePolicy.DeadLetter"/>; <c>&lt;input&gt;.dlq</c> by default.</summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>What happens to a message that cannot be processed.</summary>
    public FailurePolicy OnFailure { get; init; } = FailurePolicy.DeadLetter;

    /// <summary>How many times a failing handler is retried before <see cref="OnFailure"/> applies (3 by default).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first retry's delay; each next one doubles, up to 5 s (100 ms by default).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often processed offsets are committed (5 s by default, as Quix's CommitInterval); also on revoke and shutdown.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Also commit after this many finished messages (off by default). Unlike the interval's commit, which
    /// librdkafka sends in the background, this one blocks the loop for a broker round trip: at 150k msg/s a
    /// count of 5,000 (Quix's default) cost this machine about 20 % of its throughput. Use it to bound how much is
    /// reprocessed after a crash when messages arrive slowly.
    /// </summary>
    public int? CommitEvery { get; init; }

    /// <summary>
    /// The most rows a batch handler receives in one call (1,000 by default). A batch holds rows already fetched,
    /// of one partition and stream key; the runner never waits for a batch to fill.
    /// </summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>
    /// Favour latency over throughput (off by default): the consumer asks brokers to answer a fetch within 1 ms
    /// instead of librdkafka's 500 ms when no data is waiting (<c>fetch.wait.max.ms</c>), and the producer lingers
    /// 4 ms instead of 5 to fill batches (<c>linger.ms</c>). Costs more requests per second, also when idle;
    /// settings in <see cref="Kafka"/> still win. Clients before and after the processor need the same
    /// settings for end-to-end latency to drop.
    /// </summary>
    /// <remarks>
    /// The short fetch wait is what the embedded broker needs: it holds an empty fetch for the whole wait even when
    /// data arrives meanwhile (BENCHMARKS.md). A Kafka broker answers a waiting fetch as soon as data arrives, so on a
    /// real cluster the wait adds little latency, and a 1 ms wait costs up to a thousand empty fetches a second per
    /// broker and consumer while the topic is quiet. Measure there before turning this on, or set
    /// <c>fetch.wait.max.ms</c> in <see cref="Kafka"/>.
    /// </remarks>
    public bool LowLatency { get; init; }

    /// <summary>
    /// How outputs and dead letters are compressed (<see cref="Pipelines.Compression.Lz4"/> by default: measured in
    /// BENCHMARKS.md). A <c>compression.type</c> in <see cref="Kafka"/> still wins.
    /// </summary>
    public Compression Compression { get; init; } = Compression.Lz4;

    /// <summary>
    /// Buffers the input (off by default; see <see cref="BufferAttribute"/>): the handler is called with flushed
    /// buffers of one stream instead of rows as they are fetched. <see cref="MaxBatchSize"/> then does not apply.
    /// </summary>
    public BufferOptions? InputBuffer { get; init; }

    /// <summary>
    /// Packs outputs many rows per Kafka message (off by default; see <see cref="BufferAttribute"/>); the output
    /// contract's <c>[Buffer]</c> sets it for every processor writing that topic.
    /// </summary>
    public BufferOptions? OutputBuffer { get; init; }

    /// <summary>
    /// The largest message written (1,000,000 bytes by default, librdkafka's and the broker's usual limit): a value
    /// larger than this, with its key and headers, is split into chunks that the reading processor joins back
    /// (see <see cref="SplitHeaders"/>). Keep it at or below the topic's <c>max.message.bytes</c>.
    /// </summary>
    public int MaxMessageBytes { get; init; } = 1_000_000;

    /// <summary>
    /// The largest split message this processor joins back (256 MiB by default): a split message whose chunks add up
    /// to more, or whose <see cref="SplitHeaders.Count"/> claims more chunks than such a message can have, is
    /// dead-lettered chunk by chunk before more memory is spent on it. Joining holds a message's chunks in memory,
    /// so this bounds what one message can cost; it must be at least <see cref="MaxMessageBytes"/>.
    /// </summary>
    public long MaxSplitMessageBytes { get; init; } = DefaultMaxSplitMessageBytes;

    /// <summary>The default <see cref="MaxSplitMessageBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxSplitMessageBytes = 256L * 1024 * 1024;

    /// <summary>
    /// How long the chunks of a split message may take to arrive, from the first (60 s by default); an incomplete
    /// message is then dead-lettered chunk by chunk with the reason, and its offsets committed.
    /// </summary>
    public TimeSpan SplitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// With several inputs (a merge or a join), rows are handled in timestamp order across the inputs, partition number
    /// by partition number: a row waits while another input of its partition has nothing fetched yet but still has
    /// messages on the broker, at most this long (1 s by default, counted while the consumer has nothing else to hand
    /// over) before it goes without them; the wait then ends until that input's next message. An input that has caught
    /// up with the broker is not waited for, so live rows go as they come. <see cref="TimeSpan.Zero"/> hands rows over
    /// in fetch order. Like Kafka Streams' <c>max.task.idle.ms</c>.
    /// </summary>
    public TimeSpan MaxInputWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Close a stream when no message of it has arrived for this long (off by default: streams close when their
    /// producer ends them, and when this instance stops reading their partition).
    /// </summary>
    public TimeSpan? StreamIdleTimeout { get; init; }

    /// <summary>
    /// Forget a stream key's state when no row of that key was handled for this long on the wall clock
    /// (<see cref="TimeProvider"/>), so state does not grow without bound as keys come and go (off by default). The key's
    /// record is deleted from the store and tombstoned in the changelog at the next checkpoint; a later row of the key
    /// starts from no state. Keys whose windows are still open are kept. The clock of a key restored from the changelog
    /// starts when this instance restored it. Must be longer than <see cref="CommitInterval"/>: a forgotten key no longer
    /// remembers which rows it applied, and only rows since the last commit can be read again.
    /// </summary>
    public TimeSpan? StateTimeToLive { get; init; }

    /// <summary>
    /// What <see cref="StateTimeToLive"/> is measured on: <see cref="StateClock.WallClock"/> (the default), or
    /// <see cref="StateClock.DataTime"/>, where a key is forgotten once rows of its partition are that much later than
    /// its own last row (the input contract needs a timestamp). Keys restored from the changelog count from the first row
    /// of their partition after the restore.
    /// </summary>
    public StateClock StateTimeToLiveClock { get; init; }

    /// <summary>
    /// Where keyed state is kept on local disk: one RocksDB database per processor and partition under
    /// <c>&lt;StateDirectory&gt;/&lt;GroupId&gt;/&lt;Name&gt;/&lt;partition&gt;</c> (a <c>pipelines-state</c> folder in the temporary
    /// directory by default). Each instance needs its own. Deleting it costs only a full restore from the changelog.
    /// </summary>
    public string StateDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "pipelines-state");

    /// <summary>
    /// Where keyed state is kept between checkpoints: <see cref="StateStoreKind.RocksDb"/> (the default) on local disk,
    /// restoring only what the changelog gained since; <see cref="StateStoreKind.Memory"/> in memory, restoring the
    /// whole changelog on every start and every partition assigned.
    /// </summary>
    public StateStoreKind StateStore { get; init; } = StateStoreKind.RocksDb;

    /// <summary>
    /// The memory every RocksDB store of the process may take together, in bytes: a block cache all stores share, which
    /// also holds their memtables (half of it at most), so memory does not grow with the number of partitions open
    /// (128 MiB by default; <c>Pipelines:StateMemoryBytes</c>). Processors with the same budget share one.
    /// </summary>
    public long StateMemoryBytes { get; init; } = Pipelines.State.RocksDbMemory.DefaultBytes;

    /// <summary>
    /// Tunes each RocksDB store's options after Pipelines set its own (the memory budget, small preallocations), before
    /// it opens, as Kafka Streams' <c>RocksDBConfigSetter</c> does; <see langword="null"/> for none. In a host, register a
    /// <see cref="Processing.ConfigureRocksDb"/> in the container. Code only.
    /// </summary>
    public ConfigureRocksDb? ConfigureRocksDb { get; init; }

    /// <summary>
    /// The Schema Registry of inputs, outputs and tables on Avro and JSON Schema topics (<see cref="TopicFormat"/>);
    /// <see langword="null"/> when no contract of the processor needs one. In a host, the registry
    /// <c>Pipelines:SchemaRegistry</c> names, or the embedded broker's own. Code only.
    /// </summary>
    public Confluent.SchemaRegistry.ISchemaRegistryClient? SchemaRegistry { get; init; }

    /// <summary>
    /// How the registry subjects of Avro and JSON Schema topics are named (Confluent's <c>Topic</c> strategy,
    /// <c>&lt;topic&gt;-value</c>, by default; <c>Record</c>, <c>TopicRecord</c>). In a host,
    /// <c>Pipelines:SchemaRegistry:SubjectNameStrategy</c>. Code only.
    /// </summary>
    public Confluent.SchemaRegistry.SubjectNameStrategy SubjectNameStrategy { get; init; }

    /// <summary>
    /// The wall clock of windows that close after going quiet (<see cref="WindowAttribute.CloseAfterIdle"/>):
    /// <see cref="TimeProvider.System"/> by default; tests pass a fake one to move time without waiting. Code only.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The Kafka brokers.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>Further librdkafka settings (security, tuning), applied to the consumer and the producer.</summary>
    public IReadOnlyDictionary<string, string> Kafka { get; init; } = new Dictionary<string, string>();

    /// <summary>librdkafka settings for the consumer only, applied before <see cref="Kafka"/> (which can override them).</summary>
    public IReadOnlyDictionary<string, string> ConsumerKafka { get; init; } = new Dictionary<string, string>();

    /// <summary>The smallest <see cref="MaxMessageBytes"/>: room for a key, headers and some value.</summary>
    public const int MinMessageBytes = 4096;

    /// <summary>Whether the processor reads its own output, so that every row it writes comes back to it (analyzer PIPE007).</summary>
    public bool IsFeedbackLoop => OutputTopic is { } output && (output == InputTopic || InputTopics.Contains(output));

    /// <summary>Every topic the processor reads, by input number: <see cref="InputTopics"/>, or <see cref="InputTopic"/> alone.</summary>
    internal IReadOnlyList<string> Inputs => InputTopics.Count > 0 ? InputTopics : [InputTopic];

    /// <summary>The topic of input <paramref name="input"/> (0 for a processor with one input).</summary>
    internal string TopicOf(int input) => InputTopics.Count == 0 ? InputTopic : InputTopics[input];

    /// <summary>Which input <paramref name="topic"/> is; 0 for a processor with one input, whose consumer does not decode topic names.</summary>
    internal int InputOf(string? topic)
    {
        for (var input = 1; input < InputTopics.Count; input++)
        {
            if (string.Equals(InputTopics[input], topic, StringComparison.Ordinal))
            {
                return input;
            }
        }

        return 0;
    }

    /// <summary>The dead-letter topic in effect.</summary>
    public string EffectiveDeadLetterTopic => DeadLetterTopic ?? InputTopic + ".dlq";

    /// <summary>Throws with the name of the first invalid setting.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Name), nameof(Name), "must not be empty");
        Require(!string.IsNullOrWhiteSpace(GroupId), nameof(GroupId), "must not be empty");
        Require(!string.IsNullOrWhiteSpace(InputTopic), nameof(InputTopic), "must not be empty");
        if (InputTopics.Count > 0)
        {
            var topics = string.Join(", ", InputTopics);
            Require(InputTopics.Count >= 2, nameof(InputTopics), $"is ({topics}); a processor with several inputs reads two or more topics, and one with one input leaves it empty");
            Require(InputTopics.All(t => !string.IsNullOrWhiteSpace(t)) && InputTopics.Distinct(StringComparer.Ordinal).Count() == InputTopics.Count, nameof(InputTopics), $"is ({topics}); each must be a different topic");
            Require(InputTopics[0] == InputTopic, nameof(InputTopic), $"is '{InputTopic}', but this processor reads several topics ({topics}), the first of which is its InputTopic");
        }

        SettingChecks.RequireProducer(Subject, BootstrapServers, Compression, MaxMessageBytes);
        Require(Enum.IsDefined(OnFailure), nameof(OnFailure), $"is {OnFailure}; it must be one of {string.Join(", ", Enum.GetNames<FailurePolicy>())}");
        Require(MaxRetries >= 0, nameof(MaxRetries), $"is {MaxRetries}; it must be 0 or more");
        Require(RetryBackoff >= TimeSpan.Zero, nameof(RetryBackoff), $"is {RetryBackoff}; it must be a time span that is not negative");
        Require(CommitInterval > TimeSpan.Zero, nameof(CommitInterval), $"is {CommitInterval}; it must be positive");
        Require(CommitEvery is null or > 0, nameof(CommitEvery), $"is {CommitEvery}; it must be 1 or more");
        Require(MaxBatchSize > 0, nameof(MaxBatchSize), $"is {MaxBatchSize}; it must be 1 or more");
        Require(MaxSplitMessageBytes >= MaxMessageBytes, nameof(MaxSplitMessageBytes), $"is {MaxSplitMessageBytes}; it must be at least MaxMessageBytes ({MaxMessageBytes})");
        Require(StreamIdleTimeout is null || StreamIdleTimeout > TimeSpan.Zero, nameof(StreamIdleTimeout), $"is {StreamIdleTimeout}; it must be positive");
        Require(StateTimeToLive is null || StateTimeToLive > TimeSpan.Zero, nameof(StateTimeToLive), $"is {StateTimeToLive}; it must be positive");
        Require(Enum.IsDefined(StateTimeToLiveClock), nameof(StateTimeToLiveClock), $"is {StateTimeToLiveClock}; it must be WallClock or DataTime");
        Require(StateTimeToLive is null || StateTimeToLive <= TimeSpan.Zero || StateTimeToLive > CommitInterval, nameof(StateTimeToLive), $"is {StateTimeToLive}; it must be longer than CommitInterval ({CommitInterval})");
        Require(SplitTimeout > TimeSpan.Zero, nameof(SplitTimeout), $"is {SplitTimeout}; it must be positive");
        Require(MaxInputWait >= TimeSpan.Zero, nameof(MaxInputWait), $"is {MaxInputWait}; it must be a time span that is not negative");
        Require(!string.IsNullOrWhiteSpace(StateDirectory), nameof(StateDirectory), "must not be empty");
        Require(Enum.IsDefined(StateStore), nameof(StateStore), $"is {StateStore}; it must be one of {string.Join(", ", Enum.GetNames<StateStoreKind>())}");
    }

    /// <summary>Throws with the name of the first invalid buffer setting, given the contracts the buffers hold.</summary>
    /// <param name="input">The input contract's schema.</param>
    /// <param name="output">The output contract's schema; <see langword="null"/> for a sink.</param>
    /// <param name="hasFlushHook">Whether the processor declares a FlushWhen method.</param>
    public void ValidateBuffers(MessageSchema input, MessageSchema? output, bool hasFlushHook)
    {
        InputBuffer?.Validate(Subject, nameof(InputBuffer), input, hasFlushHook, isInput: true);
        if (OutputTopic is not null && output is not null)
        {
            OutputBuffer?.Validate(Subject, nameof(OutputBuffer), output, hasFlushHook: false, isInput: false);
        }
    }

    private string Subject => $"Processor '{Name}'";

    private void Require(bool condition, string setting, string problem) => SettingChecks.Require(condition, Subject, setting, problem);
}
