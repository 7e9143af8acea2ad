using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Analyzers.CodeFixes;

/// <summary>
/// PIPE012, where the member could be read back with one small change: a get-only auto-property gets
/// <c>init;</c>, a <c>readonly</c> field loses <c>readonly</c>. Other cases (write-only, static) need a decision.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeReadableCodeFixProvider)), Shared]
public sealed class MakeReadableCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.UnserializableMember.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var node = root?.FindNode(context.Span);
        if (root is null || node is null)
        {
            return;
        }

        if (node.FirstAncestorOrSelf<PropertyDeclarationSyntax>() is { } property && IsGetOnlyAutoProperty(property))
        {
            var init = SyntaxFactory.AccessorDeclaration(SyntaxKind.InitAccessorDeclaration).WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken));
            var updated = property.WithAccessorList(property.AccessorList!.AddAccessors(init));
            context.RegisterCodeFix(
                CodeAction.Create("Add 'init' accessor", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(property, updated))), nameof(MakeReadableCodeFixProvider) + ".Init"),
                context.Diagnostics);
        }
        else if (node.FirstAncestorOrSelf<FieldDeclarationSyntax>() is { } field &&
                 field.Modifiers.Any(SyntaxKind.ReadOnlyKeyword) && !field.Modifiers.Any(SyntaxKind.StaticKeyword) && !field.Modifiers.Any(SyntaxKind.ConstKeyword))
        {
            var readOnly = field.Modifiers.First(m => m.IsKind(SyntaxKind.ReadOnlyKeyword));
            var updated = field.WithModifiers(field.Modifiers.Remove(readOnly)).WithLeadingTrivia(field.GetLeadingTrivia());
            context.RegisterCodeFix(
                CodeAction.Create("Remove 'readonly'", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(field, updated))), nameof(MakeReadableCodeFixProvider) + ".ReadOnly"),
                context.Diagnostics);
        }
    }

    private static bool IsGetOnlyAutoProperty(PropertyDeclarationSyntax property) =>
        !property.Modifiers.Any(SyntaxKind.StaticKeyword) &&
        property.AccessorList is { Accessors.Count: 1 } accessors &&
        accessors.Accessors[0] is { RawKind: (int)SyntaxKind.GetAccessorDeclaration, Body: null, ExpressionBody: null };
}
