using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Analyzers.CodeFixes;

/// <summary>
/// PIPE020: makes the type kept in state (<c>State&lt;T&gt;</c>'s <c>T</c>, or a window's accumulator) a message contract,
/// where it is declared in source: <c>[MessageContract]</c>, <c>partial</c>, and <c>[Parameter]</c> on every public member
/// that can be written and read back and has no field attribute yet, since state keeps what its members hold.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeMessageContractCodeFixProvider)), Shared]
public sealed class MakeMessageContractCodeFixProvider : CodeFixProvider
{
    private const string StateOfT = "Pipelines.State`1";
    private static readonly string[] FieldAttributes = ["Parameter", "Tag", "Timestamp"];

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.StateNotContract.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter
            || model?.GetDeclaredSymbol(parameter, context.CancellationToken) is not { } symbol
            || Kept(symbol.Type, model.Compilation) is not { } kept
            || kept.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is not TypeDeclarationSyntax declaration
            || context.Document.Project.Solution.GetDocument(declaration.SyntaxTree) is not { } document)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create($"Make '{kept.Name}' a message contract", ct => MakeContractAsync(document, declaration, ct), nameof(MakeMessageContractCodeFixProvider)),
            context.Diagnostics);
    }

    /// <summary>The type the state keeps: <c>T</c> of <c>State&lt;T&gt;</c>, or the parameter's own type (an accumulator); a class or struct only.</summary>
    private static INamedTypeSymbol? Kept(ITypeSymbol type, Compilation compilation)
    {
        var state = compilation.GetTypeByMetadataName(StateOfT);
        var kept = type is INamedTypeSymbol { IsGenericType: true } generic && SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, state)
            ? generic.TypeArguments[0]
            : type;
        return kept is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named && named.Locations.Any(l => l.IsInSource) ? named : null;
    }

    private static async Task<Solution> MakeContractAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var chain = PartialModifier.Missing(declaration);
        if (!chain.Contains(declaration))
        {
            chain.Add(declaration);
        }

        var updated = root.ReplaceNodes(chain, (original, current) =>
            original == declaration ? PartialModifier.Add(Contract(current)) : PartialModifier.Add(current));
        if (!updated.Usings.Any(u => u.Name?.ToString() == "Pipelines") && !declaration.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Name.ToString().StartsWith("Pipelines", System.StringComparison.Ordinal)))
        {
            updated = updated.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.IdentifierName("Pipelines")).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
        }

        return document.Project.Solution.WithDocumentSyntaxRoot(document.Id, updated);
    }

    private static TypeDeclarationSyntax Contract(TypeDeclarationSyntax declaration)
    {
        var members = declaration.Members.Select(member => member switch
        {
            PropertyDeclarationSyntax property when IsKeptProperty(property) => (MemberDeclarationSyntax)Marked(property, Attribute("Parameter")),
            FieldDeclarationSyntax field when IsKeptField(field) => Marked(field, Attribute("Parameter")),
            _ => member,
        });
        var contract = declaration.WithMembers(SyntaxFactory.List(members));
        if (contract.ParameterList is { } positional)
        {
            // A positional record's members are its parameters: the attribute goes to the property each one declares.
            var parameters = positional.Parameters.Select(p => p.AttributeLists.Count > 0 ? p : Marked(p, Attribute("Parameter", "property")));
            contract = contract.WithParameterList(positional.WithParameters(SyntaxFactory.SeparatedList(parameters, positional.Parameters.GetSeparators())));
        }

        return Marked(contract, Attribute("MessageContract"));
    }

    private static bool IsKeptProperty(PropertyDeclarationSyntax property) =>
        IsPublicInstance(property.Modifiers)
        && !HasFieldAttribute(property.AttributeLists)
        && property.AccessorList is { } accessors
        && accessors.Accessors.Any(a => a.IsKind(SyntaxKind.GetAccessorDeclaration))
        && accessors.Accessors.Any(a => a.IsKind(SyntaxKind.SetAccessorDeclaration) || a.IsKind(SyntaxKind.InitAccessorDeclaration));

    private static bool IsKeptField(FieldDeclarationSyntax field) =>
        IsPublicInstance(field.Modifiers)
        && !field.Modifiers.Any(m => m.IsKind(SyntaxKind.ConstKeyword) || m.IsKind(SyntaxKind.ReadOnlyKeyword))
        && !HasFieldAttribute(field.AttributeLists);

    private static bool IsPublicInstance(SyntaxTokenList modifiers) =>
        modifiers.Any(SyntaxKind.PublicKeyword) && !modifiers.Any(SyntaxKind.StaticKeyword);

    private static bool HasFieldAttribute(SyntaxList<AttributeListSyntax> lists) =>
        lists.SelectMany(l => l.Attributes).Any(a => FieldAttributes.Any(name => a.Name.ToString().EndsWith(name, System.StringComparison.Ordinal) || a.Name.ToString().EndsWith(name + "Attribute", System.StringComparison.Ordinal)));

    // Parsed rather than built, so that it carries no elastic trivia: the formatter would move an attribute built from
    // factory tokens onto a line of its own.
    private static AttributeListSyntax Attribute(string name, string? target = null) =>
        ((MemberDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration($"[{(target is null ? "" : target + ": ")}{name}] int x;")!).AttributeLists[0];

    /// <summary>Puts <paramref name="attribute"/> first on <paramref name="node"/>, on the same line: the node's leading trivia moves before it.</summary>
    private static T Marked<T>(T node, AttributeListSyntax attribute)
        where T : SyntaxNode
    {
        var leading = node.GetLeadingTrivia();
        var bare = node.WithoutLeadingTrivia();
        var list = attribute.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.Space);
        SyntaxNode marked = bare switch
        {
            MemberDeclarationSyntax member => member.WithAttributeLists(member.AttributeLists.Insert(0, list)),
            ParameterSyntax parameter => parameter.WithAttributeLists(parameter.AttributeLists.Insert(0, list)),
            _ => bare,
        };
        return (T)marked;
    }
}
