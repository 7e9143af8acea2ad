using Microsoft.CodeAnalysis;

namespace Pipelines.Analyzers;

/// <summary>
/// Every diagnostic Pipelines reports, with its stable ID. Each ID has a page under analyzers/docs (its help
/// link) and a line in AnalyzerReleases.Unshipped.md. The generator links this file because its parser records
/// these diagnostics; only the analyzers report them.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Pipelines";
    private const string HelpLinkBase = "https://github.com/pipelines-dotnet/pipelines/blob/main/analyzers/docs/";

    public static readonly DiagnosticDescriptor MustBePartial = Error(
        "PIPE001",
        "Annotated type must be partial",
        "'{0}' must be partial (and so must every type that contains it) so that Pipelines can generate its code");

    public static readonly DiagnosticDescriptor InvalidTopicName = Error(
        "PIPE002",
        "Topic name is not valid for Kafka",
        "Topic name \"{0}\" on '{1}' is not valid for Kafka: {2}");

    public static readonly DiagnosticDescriptor UnsupportedMemberType = Error(
        "PIPE003",
        "Member type cannot be serialized",
        "'{0}' has type '{1}', which {2} cannot have; supported are bool, the integral types, float, double, decimal, string, DateTime, DateTimeOffset, TimeSpan, Guid, enums, byte[], ReadOnlyMemory<byte>, Nullable<T>, arrays, List<T> and IReadOnlyList<T> of those, and [MessageContract] types{3}");

    public static readonly DiagnosticDescriptor DuplicateWireName = Error(
        "PIPE004",
        "Two members have the same wire name",
        "'{0}' and '{1}' both use the wire name \"{2}\"; give one of them another name in its attribute");

    public static readonly DiagnosticDescriptor InvalidTimestamp = Error(
        "PIPE005",
        "Invalid timestamp",
        "Timestamp '{0}' {1}");

    public static readonly DiagnosticDescriptor InvalidProcessorHandler = Error(
        "PIPE006",
        "Processor handler is missing or invalid",
        "Processor '{0}' {1}");

    public static readonly DiagnosticDescriptor FeedbackLoop = Create(
        "PIPE007",
        "Processor reads its own output",
        "Processor '{0}' reads and writes topic \"{1}\", so every row it writes comes back to it as input; write to another topic, or suppress this warning if the loop ends by design",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SettingOutOfRange = Error(
        "PIPE008",
        "Setting out of range",
        "{0} of '{1}' {2}");

    public static readonly DiagnosticDescriptor DuplicateGroup = Create(
        "PIPE009",
        "Two processors share a consumer group",
        "Processor '{0}' uses consumer group \"{1}\", as does '{2}'; processors in one group split partitions between them, so each would miss rows; give one a GroupId of its own",
        DiagnosticSeverity.Warning,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor BlockingCall = Create(
        "PIPE010",
        "Asynchronous handler blocks",
        "'{0}' blocks the thread inside asynchronous handler '{1}', stalling the processor's loop and risking a deadlock; {2}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor LooseTopic = Create(
        "PIPE011",
        "Topic is a loose end of the topology",
        "Topic \"{0}\" is {1}; if something else {2} it (another application, a hand-written client), mark its contract [Topic(\"{0}\", External = true)]",
        DiagnosticSeverity.Info,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor UnserializableMember = Error(
        "PIPE012",
        "Member can never be serialized",
        "'{0}' {1}");

    public static readonly DiagnosticDescriptor UnsupportedContractType = Error(
        "PIPE013",
        "Type cannot be a message contract",
        "'{0}' cannot be a message contract: {1}");

    public static readonly DiagnosticDescriptor RecursiveContract = Error(
        "PIPE014",
        "Message contract contains itself",
        "'{0}' contains itself through member '{1}'; a message is a tree of values, so contracts cannot be recursive");

    public static readonly DiagnosticDescriptor ConflictingFieldAttributes = Error(
        "PIPE015",
        "Member has more than one field attribute",
        "'{0}' has more than one of [Timestamp], [Tag] and [Parameter]; keep one");

    public static readonly DiagnosticDescriptor InvalidWireName = Error(
        "PIPE016",
        "Wire name is empty",
        "'{0}' has an empty wire name; omit the name to use the member name, or give a non-empty one");

    public static readonly DiagnosticDescriptor MemberContractHasErrors = Error(
        "PIPE017",
        "Member's contract type has errors",
        "'{0}' has type '{1}', a message contract that cannot be generated; fix the errors reported on '{1}'");

    public static readonly DiagnosticDescriptor InvalidBufferHook = Error(
        "PIPE018",
        "Buffer hook method is missing or has the wrong signature",
        "{0} of '{1}' must name a method declared as {2}; {3}");

    public static readonly DiagnosticDescriptor BufferSettingMisplaced = Error(
        "PIPE019",
        "Buffer setting does not apply here",
        "{0} of '{1}' {2}");

    public static readonly DiagnosticDescriptor StateNotContract = Error(
        "PIPE020",
        "State type is not a message contract",
        "Processor '{0}' keeps state of type '{1}', which is not a message contract; mark it [MessageContract], make it partial and mark the members it keeps [Parameter], so that its values can be written to the state store and changelog");

    public static readonly DiagnosticDescriptor InvalidWindowSetting = Error(
        "PIPE021",
        "Window setting is invalid",
        "{0} of '{1}' {2}");

    public static readonly DiagnosticDescriptor InvalidWindowMethod = Error(
        "PIPE022",
        "Window method is missing or has the wrong shape",
        "Processor '{0}' {1}");

    public static readonly DiagnosticDescriptor WindowWithoutTimestamp = Error(
        "PIPE023",
        "Windowed input has no timestamp",
        "Processor '{0}' places rows in windows by their time, but '{1}' has no [Timestamp] member; add one");

    public static readonly DiagnosticDescriptor TableNotTopicContract = Error(
        "PIPE024",
        "Table type is not a topic contract",
        "Processor '{0}' reads a table of '{1}', which is not a [Topic] contract; mark it [Topic(\"name\")] with the topic to read, make it partial and mark its key [Tag] and its values [Parameter]: a table reads the topic of its contract, keyed by its tags");

    public static readonly DiagnosticDescriptor TableKeyMismatch = Create(
        "PIPE025",
        "Partitioned table keyed unlike the input",
        "Processor '{0}' reads Table<{1}> partition by partition beside its input '{2}', but the table is keyed by ({3}) and the input's rows by ({4}); a row finds its table row only when both contracts have tags of the same types in the same order: match the tags, or read a GlobalTable<{1}>",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InvalidJoin = Error(
        "PIPE026",
        "Join is invalid",
        "Processor '{0}' {1}");

    public static readonly DiagnosticDescriptor InputKeyMismatch = Create(
        "PIPE027",
        "Inputs keyed differently",
        "Processor '{0}' reads '{1}', keyed by ({2}), and '{3}', keyed by ({4}); their rows share state and meet in joins by stream key, which they can only have in common when both contracts have tags of the same types in the same order",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NotAnAvroName = Error(
        "PIPE028",
        "Contract of an Avro topic has a name Avro does not allow",
        "'{0}' is on an Avro topic, but {1} is not an Avro name (ASCII letters, digits and underscores, not starting with a digit); rename it, or give the member a wire name that is one");

    public static readonly DiagnosticDescriptor InvalidSink = Error(
        "PIPE029",
        "Sink is invalid",
        "Sink '{0}' {1}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity, params string[] tags) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md", customTags: tags);
}
