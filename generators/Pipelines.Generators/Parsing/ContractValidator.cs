using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Decides whether a member's type is a usable nested contract. A contract in this compilation is parsed on
/// the spot, because the outer serializer only compiles if the inner one is generated; the types being parsed
/// are tracked so that a contract that reaches itself is reported instead of looping.
/// </summary>
internal sealed class ContractValidator
{
    private readonly HashSet<INamedTypeSymbol> visiting = new(SymbolEqualityComparer.Default);

    public ContractValidator(INamedTypeSymbol root, KnownTypes known)
    {
        visiting.Add(root);
        Known = known;
        UnixMillisecondTimes = known.WritesUnixMilliseconds(root);
    }

    /// <summary>Whether the contract's JSON form writes its times as Unix milliseconds (its codecs for them are wrapped).</summary>
    public bool UnixMillisecondTimes { get; }

    /// <summary>The compilation's known types, for the contracts parsed on the way.</summary>
    public KnownTypes Known { get; }

    public CodecStatus Classify(INamedTypeSymbol type)
    {
        if (ImplementsContract(type, Known))
        {
            return CodecStatus.Supported;
        }

        if (!IsAnnotatedContract(type, Known))
        {
            return CodecStatus.Unsupported;
        }

        if (!visiting.Add(type))
        {
            return CodecStatus.Recursive;
        }

        var parsed = ContractParser.ParseNested(type, this);
        visiting.Remove(type);
        return parsed;
    }

    /// <summary>
    /// Whether generated code can use <paramref name="type"/> as a contract: it already implements
    /// <c>IMessageContract&lt;T&gt;</c> (a referenced assembly), or it is annotated here and parses without errors.
    /// </summary>
    public static bool IsUsable(INamedTypeSymbol type, KnownTypes known, CancellationToken cancellationToken) =>
        ImplementsContract(type, known) ||
        (IsAnnotatedContract(type, known) && ContractParser.Parse(type, known, new List<Diagnostic>(), cancellationToken) is not null);

    /// <summary>Whether <paramref name="contract"/> has a <c>[Timestamp]</c> member: what windows, joins and time-based buffers place its rows by.</summary>
    public static bool HasTimestamp(INamedTypeSymbol contract, KnownTypes known) =>
        contract.GetMembers().Any(m => KnownTypes.Has(m, known.TimestampAttribute));

    public static bool IsAnnotatedContract(INamedTypeSymbol type, KnownTypes known) =>
        KnownTypes.Has(type, known.TopicAttribute) || KnownTypes.Has(type, known.MessageContractAttribute);

    private static bool ImplementsContract(INamedTypeSymbol type, KnownTypes known) =>
        type.AllInterfaces.Any(i => KnownTypes.Is(i, known.MessageContract) && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], type));
}
