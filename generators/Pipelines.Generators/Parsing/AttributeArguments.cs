using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.Parsing;

/// <summary>Where an attribute's argument is written, so a diagnostic about its value underlines the value.</summary>
internal static class AttributeArguments
{
    /// <summary>
    /// The expression of the named argument <paramref name="name"/>, or of the first positional argument when
    /// <paramref name="name"/> is <see langword="null"/>; else the attribute; else <paramref name="fallback"/>'s declaration.
    /// </summary>
    public static Location? Location(AttributeData attribute, string? name, ISymbol fallback, CancellationToken cancellationToken = default)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return fallback.Locations.FirstOrDefaultInSource();
        }

        foreach (var argument in syntax.ArgumentList?.Arguments ?? default)
        {
            var matches = name is null
                ? argument.NameEquals is null && argument.NameColon is null || argument.NameColon?.Name.Identifier.ValueText == "name"
                : argument.NameEquals?.Name.Identifier.ValueText == name;
            if (matches)
            {
                return argument.Expression.GetLocation();
            }
        }

        return syntax.GetLocation();
    }

    public static TypedConstant? Named(AttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value;
            }
        }

        return null;
    }
}
