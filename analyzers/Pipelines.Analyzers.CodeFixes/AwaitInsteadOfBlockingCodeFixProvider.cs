using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Pipelines.Analyzers.CodeFixes;

/// <summary>
/// PIPE010 in an <c>async</c> handler: <c>t.Result</c>, <c>t.Wait()</c> and <c>t.GetAwaiter().GetResult()</c>
/// become <c>await t</c>; <c>Thread.Sleep(x)</c> becomes <c>await Task.Delay(x)</c>, passing the handler's
/// cancellation token when it takes one. A handler that is not <c>async</c> is left to the user.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitInsteadOfBlockingCodeFixProvider)), Shared]
public sealed class AwaitInsteadOfBlockingCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.BlockingCall.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var diagnostic = context.Diagnostics[0];
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not ExpressionSyntax blocking ||
            blocking.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method ||
            !method.Modifiers.Any(SyntaxKind.AsyncKeyword) ||
            !diagnostic.Properties.TryGetValue(BlockingCallAnalyzer.FixKey, out var fix) ||
            Replacement(blocking, fix, method) is not { } awaited)
        {
            return;
        }

        var replacement = SyntaxFactory.ParenthesizedExpression(awaited)
            .WithTriviaFrom(blocking)
            .WithAdditionalAnnotations(Simplifier.Annotation);
        context.RegisterCodeFix(
            CodeAction.Create("Use 'await'", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(blocking, replacement))), nameof(AwaitInsteadOfBlockingCodeFixProvider)),
            diagnostic);
    }

    private static AwaitExpressionSyntax? Replacement(ExpressionSyntax blocking, string? fix, MethodDeclarationSyntax method)
    {
        if (fix == BlockingCallAnalyzer.AwaitReceiver)
        {
            var receiver = blocking switch
            {
                // t.Result
                MemberAccessExpressionSyntax access => access.Expression,
                // t.GetAwaiter().GetResult()
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetResult", Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax getAwaiter } } } => getAwaiter.Expression,
                // t.Wait()
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax wait, ArgumentList.Arguments.Count: 0 } => wait.Expression,
                _ => null,
            };
            return receiver is null ? null : SyntaxFactory.AwaitExpression(receiver.WithoutTrivia());
        }

        if (fix == BlockingCallAnalyzer.AwaitDelay && blocking is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } sleep)
        {
            var arguments = SyntaxFactory.SeparatedList(new[] { sleep.ArgumentList.Arguments[0].WithoutTrivia() });
            var token = method.ParameterList.Parameters.FirstOrDefault(p => p.Type?.ToString() is "CancellationToken" or "System.Threading.CancellationToken" or "global::System.Threading.CancellationToken");
            if (token is not null)
            {
                arguments = arguments.Add(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(token.Identifier.ValueText)));
            }

            var taskDelay = SyntaxFactory.ParseExpression("global::System.Threading.Tasks.Task.Delay").WithAdditionalAnnotations(Simplifier.Annotation);
            return SyntaxFactory.AwaitExpression(SyntaxFactory.InvocationExpression(taskDelay, SyntaxFactory.ArgumentList(arguments)));
        }

        return null;
    }
}
