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

    public ContractValidator(INamedTypeSymbol root) => visiting.Add(root);

    public CodecStatus Classify(INamedTypeSymbol type)
    {
        if (ImplementsContract(type))
        {
            return CodecStatus.Supported;
        }

        if (!IsAnnotatedContract(type))
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
    public static bool IsUsable(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        ImplementsContract(type) ||
        (IsAnnotatedContract(type) && ContractParser.Parse(type, new List<Diagnostic>(), cancellationToken) is not null);

    public static bool IsAnnotatedContract(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is KnownNames.TopicAttribute or KnownNames.MessageContractAttribute);

    private static bool ImplementsContract(INamedTypeSymbol type) =>
        type.AllInterfaces.Any(i =>
            CodecResolver.MetadataName(i.OriginalDefinition) == KnownNames.MessageContractInterface &&
            SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], type));
}
