using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>What the emitters need to re-declare a user type as partial, shared by every parser.</summary>
internal static class TypeDeclarations
{
    public static string Namespace(INamedTypeSymbol type) =>
        type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();

    /// <summary>Enclosing types, outermost first.</summary>
    public static IReadOnlyList<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            chain.Insert(0, outer);
        }

        return chain;
    }

    public static EquatableArray<ContainingTypeModel> ContainingTypeModels(INamedTypeSymbol type) =>
        ContainingTypes(type).Select(t => new ContainingTypeModel(Declaration(t))).ToEquatableArray();

    /// <summary>The type itself or the first enclosing type that is not partial, or <see langword="null"/>.</summary>
    public static INamedTypeSymbol? FirstNotPartial(INamedTypeSymbol type) =>
        new[] { type }.Concat(ContainingTypes(type)).FirstOrDefault(t => !IsPartial(t));

    /// <summary>The keywords and name a partial declaration repeats, for example <c>record struct Row</c>.</summary>
    public static string Declaration(INamedTypeSymbol type)
    {
        var keyword = (type.IsRecord, type.TypeKind) switch
        {
            (true, TypeKind.Struct) => "record struct",
            (true, _) => "record",
            (false, TypeKind.Struct) => "struct",
            _ => "class",
        };
        return keyword + " " + type.Name;
    }

    /// <summary>A file name unique to the type: namespace, enclosing types joined by '+', then <paramref name="suffix"/>.</summary>
    public static string HintName(INamedTypeSymbol type, string suffix)
    {
        var name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.Name + "+" + name;
        }

        return (type.ContainingNamespace.IsGlobalNamespace ? name : type.ContainingNamespace.ToDisplayString() + "." + name) + suffix;
    }

    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
}
