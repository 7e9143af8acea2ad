using System.Linq;
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

    /// <summary>The named argument <paramref name="name"/> of the <c>[Topic]</c> on <paramref name="contract"/>, if both exist.</summary>
    public static TypedConstant? OfTopic(INamedTypeSymbol contract, string name, KnownTypes known) =>
        KnownTypes.Find(contract, known.TopicAttribute) is { } attribute ? Named(attribute, name) : null;

    /// <summary>The enum member <paramref name="value"/> names, fully qualified; a cast number that names none is a problem.</summary>
    public static string? EnumMember(TypedConstant value, ref string? problem)
    {
        var type = value.Type as INamedTypeSymbol;
        var member = type?.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value.Value));
        if (type is not null && member is not null)
        {
            return type.ToDisplayString(CodecResolver.TypeFormat) + "." + member.Name;
        }

        var names = type is null ? string.Empty : string.Join(", ", type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name));
        problem = $"is {value.Value}, which is not a {type?.Name} member; use one of {names}";
        return null;
    }
}
