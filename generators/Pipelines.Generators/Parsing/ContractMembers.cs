using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// The serialized members of a contract the parser has accepted, as the schema builders need them: in declaration
/// order, each with its wire name, its type and whether it is the timestamp. (The parser itself reads members with
/// their diagnostics; this is the same rule without them.)
/// </summary>
internal static class ContractMembers
{
    public static IEnumerable<(string WireName, ITypeSymbol Type, bool Timestamp)> Of(INamedTypeSymbol type, KnownTypes known)
    {
        foreach (var member in type.GetMembers())
        {
            var attribute = member.GetAttributes().FirstOrDefault(a =>
                KnownTypes.Is(a.AttributeClass, known.TimestampAttribute) || KnownTypes.Is(a.AttributeClass, known.TagAttribute) || KnownTypes.Is(a.AttributeClass, known.ParameterAttribute));
            var memberType = member switch
            {
                IPropertySymbol property => property.Type,
                IFieldSymbol field => field.Type,
                _ => null,
            };
            if (attribute is null || memberType is null)
            {
                continue;
            }

            var wireName = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string given ? given : member.Name;
            yield return (wireName, memberType, KnownTypes.Is(attribute.AttributeClass, known.TimestampAttribute));
        }
    }
}
