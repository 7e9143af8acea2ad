using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;
using Pipelines.Processing;

namespace Pipelines.Hosting;

/// <summary>
/// The <c>Pipelines</c> configuration section, read strictly: a key that is not a setting (a typo) or a value
/// that does not parse fails start-up with the key's full path, instead of being silently ignored.
/// </summary>
/// <remarks>
/// <code>
/// "Pipelines": {
///   "BootstrapServers": "broker:9092",       // empty or absent: the embedded in-memory broker
///   "TopicPartitions": 3,                     // partitions of topics Pipelines creates
///   "StateDirectory": "/var/lib/app/state",   // where keyed state is kept on disk
///   "StateMemoryBytes": 134217728,            // every RocksDB store of the process together
///   "Kafka": { "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", ... },  // any librdkafka setting
///   "Processors": {
///     "BrakeMonitor": { "GroupId": "...", "OnFailure": "DeadLetter|Skip|Stop", "MaxRetries": 3,
///                       "RetryBackoff": "00:00:00.100", "CommitInterval": "00:00:05", "CommitEvery": null,
///                       "MaxBatchSize": 1000, "LowLatency": false, "Compression": "None|Gzip|Snappy|Lz4|Zstd",
///                       "DeadLetterTopic": "...", "MaxMessageBytes": 1000000, "MaxSplitMessageBytes": 268435456, "SplitTimeout": "00:01:00", "MaxInputWait": "00:00:01", "StreamIdleTimeout": "00:05:00",
///                       "InputBuffer": { "MaxRows": 100, "MaxBytes": 65536, "DataSpan": "00:00:01",
///                                        "Timeout": "00:00:00.500", "Reorder": "00:00:00.050" },  // or "None"
///                       "OutputBuffer": { "MaxRows": 100, ... },                                    // or "None"
///                       "Kafka": { ... } }
///   }
/// }
/// </code>
/// </remarks>
internal sealed record PipelinesSettings
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Pipelines";

    private static readonly string[] Known = ["BootstrapServers", "TopicPartitions", "StateDirectory", "StateMemoryBytes", "Kafka", "SchemaRegistry", "Processors", "Sinks"];
    internal static readonly string[] KnownPerProcessor = ["GroupId", "OnFailure", "MaxRetries", "RetryBackoff", "CommitInterval", "CommitEvery", "MaxBatchSize", "LowLatency", "Compression", "DeadLetterTopic", "MaxMessageBytes", "MaxSplitMessageBytes", "SplitTimeout", "MaxInputWait", "StreamIdleTimeout", "StateTimeToLive", "StateTimeToLiveClock", "StateDirectory", "StateStore", "StateMemoryBytes", "InputBuffer", "OutputBuffer", "Kafka"];
    private static readonly string[] KnownPerBuffer = ["MaxRows", "MaxBytes", "DataSpan", "Timeout", "Reorder"];

    /// <summary>The brokers, or <see langword="null"/> to run on the embedded broker.</summary>
    public string? BootstrapServers { get; init; }

    /// <summary>Partitions of the topics Pipelines creates (3 by default).</summary>
    public int TopicPartitions { get; init; } = 3;

    /// <summary>Where every processor keeps keyed state on local disk, unless a processor says otherwise.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>The memory budget of every RocksDB store of the process together (<see cref="ProcessorOptions.StateMemoryBytes"/>), if configured.</summary>
    public long? StateMemoryBytes { get; init; }

    /// <summary>librdkafka settings for every client.</summary>
    public IReadOnlyDictionary<string, string> Kafka { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// <c>Pipelines:SchemaRegistry</c>: <c>Url</c> and any setting of Confluent's registry client (<c>basic.auth.user.info</c>,
    /// <c>ssl.ca.location</c>, …, with or without their <c>schema.registry.</c> prefix). Empty: on the embedded broker, an
    /// embedded registry beside it.
    /// </summary>
    public IReadOnlyDictionary<string, string> SchemaRegistry { get; init; } = new Dictionary<string, string>();

    /// <summary>Per-processor overrides, by processor name.</summary>
    public IReadOnlyDictionary<string, IConfigurationSection> Processors { get; init; } = new Dictionary<string, IConfigurationSection>();

    /// <summary>Reads and validates the section.</summary>
    /// <exception cref="PipelinesConfigurationException">A key is unknown or its value is invalid.</exception>
    public static PipelinesSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        RejectUnknown(section, Known);
        var bootstrap = section["BootstrapServers"];
        return new PipelinesSettings
        {
            BootstrapServers = string.IsNullOrWhiteSpace(bootstrap) ? null : bootstrap,
            TopicPartitions = ParseInt(section, "TopicPartitions", 3, minimum: 1),
            StateDirectory = string.IsNullOrWhiteSpace(section["StateDirectory"]) ? null : section["StateDirectory"],
            StateMemoryBytes = section["StateMemoryBytes"] is null ? null : ParseInt(section, "StateMemoryBytes", 0L, minimum: 1024L * 1024),
            Kafka = ReadKafka(section.GetSection("Kafka")),
            SchemaRegistry = ReadKafka(section.GetSection("SchemaRegistry")),
            Processors = section.GetSection("Processors").GetChildren().ToDictionary(c => c.Key, c => c, StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>The effective options of one processor: its generated defaults, then this section's overrides.</summary>
    public ProcessorOptions OptionsFor(ProcessorOptions defaults)
    {
        var options = defaults with { Kafka = Merge(Kafka, defaults.Kafka), StateDirectory = StateDirectory ?? defaults.StateDirectory, StateMemoryBytes = StateMemoryBytes ?? defaults.StateMemoryBytes };
        if (!Processors.TryGetValue(defaults.Name, out var section))
        {
            return options;
        }

        RejectUnknown(section, KnownPerProcessor);
        return options with
        {
            GroupId = section["GroupId"] ?? options.GroupId,
            OnFailure = ParseEnum(section, "OnFailure", options.OnFailure),
            MaxRetries = ParseInt(section, "MaxRetries", options.MaxRetries, minimum: 0),
            RetryBackoff = ParseTime(section, "RetryBackoff", options.RetryBackoff, allowZero: true),
            CommitInterval = ParseTime(section, "CommitInterval", options.CommitInterval, allowZero: false),
            CommitEvery = section["CommitEvery"] is null ? options.CommitEvery : ParseInt(section, "CommitEvery", 0, minimum: 1),
            MaxBatchSize = ParseInt(section, "MaxBatchSize", options.MaxBatchSize, minimum: 1),
            LowLatency = ParseBool(section, "LowLatency", options.LowLatency),
            Compression = ParseEnum(section, "Compression", options.Compression),
            DeadLetterTopic = section["DeadLetterTopic"] ?? options.DeadLetterTopic,
            MaxMessageBytes = ParseInt(section, "MaxMessageBytes", options.MaxMessageBytes, minimum: ProcessorOptions.MinMessageBytes),
            MaxSplitMessageBytes = ParseInt(section, "MaxSplitMessageBytes", options.MaxSplitMessageBytes, minimum: (long)ProcessorOptions.MinMessageBytes),
            SplitTimeout = ParseTime(section, "SplitTimeout", options.SplitTimeout, allowZero: false),
            MaxInputWait = ParseTime(section, "MaxInputWait", options.MaxInputWait, allowZero: true),
            StreamIdleTimeout = section["StreamIdleTimeout"] is null ? options.StreamIdleTimeout : ParseTime(section, "StreamIdleTimeout", default, allowZero: false),
            StateTimeToLive = section["StateTimeToLive"] is null ? options.StateTimeToLive : ParseTime(section, "StateTimeToLive", default, allowZero: false),
            StateTimeToLiveClock = ParseEnum(section, "StateTimeToLiveClock", options.StateTimeToLiveClock),
            StateDirectory = section["StateDirectory"] ?? options.StateDirectory,
            StateStore = ParseEnum(section, "StateStore", options.StateStore),
            StateMemoryBytes = ParseInt(section, "StateMemoryBytes", options.StateMemoryBytes, minimum: 1024L * 1024),
            InputBuffer = ReadBuffer(section.GetSection("InputBuffer"), options.InputBuffer),
            OutputBuffer = ReadBuffer(section.GetSection("OutputBuffer"), options.OutputBuffer),
            Kafka = Merge(options.Kafka, ReadKafka(section.GetSection("Kafka"))),
        };
    }

    /// <summary>
    /// A buffer's overrides: each key present replaces the compiled value (a buffer the code does not declare starts
    /// empty); the value <c>None</c> turns the buffer off.
    /// </summary>
    private static BufferOptions? ReadBuffer(IConfigurationSection section, BufferOptions? compiled)
    {
        if (section.Value is { } value)
        {
            return string.Equals(value.Trim(), "None", StringComparison.OrdinalIgnoreCase)
                ? null
                : throw new PipelinesConfigurationException(section.Path, $"is '{value}'; it must be a section of {string.Join(", ", KnownPerBuffer)}, or None to turn the buffer off");
        }

        if (!section.GetChildren().Any())
        {
            return compiled;
        }

        RejectUnknown(section, KnownPerBuffer);
        var buffer = compiled ?? new BufferOptions();
        return buffer with
        {
            MaxRows = section["MaxRows"] is null ? buffer.MaxRows : ParseInt(section, "MaxRows", 0, minimum: 1),
            MaxBytes = section["MaxBytes"] is null ? buffer.MaxBytes : ParseInt(section, "MaxBytes", 0, minimum: 1),
            DataSpan = section["DataSpan"] is null ? buffer.DataSpan : ParseTime(section, "DataSpan", default, allowZero: false),
            Timeout = section["Timeout"] is null ? buffer.Timeout : ParseTime(section, "Timeout", default, allowZero: false),
            Reorder = section["Reorder"] is null ? buffer.Reorder : ParseTime(section, "Reorder", default, allowZero: false),
        };
    }

    private static void RejectUnknown(IConfigurationSection section, string[] known)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new PipelinesConfigurationException(child.Path, $"is not a setting; the settings here are {string.Join(", ", known)}");
            }
        }
    }

    private static Dictionary<string, string> ReadKafka(IConfigurationSection section) =>
        section.GetChildren().ToDictionary(c => c.Key, c => c.Value ?? throw new PipelinesConfigurationException(c.Path, "must be a single value (a librdkafka setting)"));

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
    {
        var merged = new Dictionary<string, string>(first);
        foreach (var (key, value) in second)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static T ParseInt<T>(IConfigurationSection section, string key, T fallback, T minimum)
        where T : struct, IBinaryInteger<T>
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new PipelinesConfigurationException(section.GetSection(key).Path, $"is '{text}'; it must be a whole number, {minimum} or more");
    }

    private static T ParseEnum<T>(IConfigurationSection section, string key, T fallback)
        where T : struct, Enum
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        // Names only: a number would pass TryParse and mean nothing to the reader of the configuration.
        return Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<T>(name)
            : throw new PipelinesConfigurationException(section.GetSection(key).Path, $"is '{text}'; it must be one of {string.Join(", ", Enum.GetNames<T>())}");
    }

    private static bool ParseBool(IConfigurationSection section, string key, bool fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return bool.TryParse(text, out var value)
            ? value
            : throw new PipelinesConfigurationException(section.GetSection(key).Path, $"is '{text}'; it must be true or false");
    }

    private static TimeSpan ParseTime(IConfigurationSection section, string key, TimeSpan fallback, bool allowZero)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && (value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero))
            ? value
            : throw new PipelinesConfigurationException(section.GetSection(key).Path, $"is '{text}'; it must be {(allowZero ? "a time span that is not negative" : "a positive time span")}, such as 00:00:05");
    }
}
