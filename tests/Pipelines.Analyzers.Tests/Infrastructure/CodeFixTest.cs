using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Pipelines.Analyzers.Tests.Infrastructure;

/// <summary>Applies a code fix to test code with every analyzer running and compares the result with the expected source.</summary>
internal sealed class CodeFixTest<TCodeFix> : CSharpCodeFixTest<ContractAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    public static async Task VerifyAsync(string source, string fixedSource)
    {
        var test = new CodeFixTest<TCodeFix>();
        AnalyzerTest.Configure(test, source, topology: false);
        test.FixedCode = AnalyzerTest.Usings + fixedSource;
        await test.RunAsync();
    }

    /// <summary>Proves a diagnostic that has no obvious fix is offered none.</summary>
    public static async Task VerifyNoFixAsync(string source)
    {
        var test = new CodeFixTest<TCodeFix>();
        AnalyzerTest.Configure(test, source, topology: false);
        test.FixedCode = AnalyzerTest.Usings + source;
        await test.RunAsync();
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => AnalyzerTest.All;
}
