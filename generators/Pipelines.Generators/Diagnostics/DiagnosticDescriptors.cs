using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Diagnostics;

/// <summary>
/// Every diagnostic Pipelines reports, with its stable ID. Each ID has a page under docs/diagnostics and a
/// line in AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Pipelines";
    private const string HelpLinkBase = "https://github.com/pipelines-dotnet/pipelines/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ContractMustBePartial = Error(
        "PIPE001",
        "Message contract must be partial",
        "'{0}' must be partial (and so must every type that contains it) so that Pipelines can generate its serializer");

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

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
