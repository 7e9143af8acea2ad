using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Pipelines.Testing;

namespace Pipelines.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs every Pipelines analyzer over test code, as a user's build does: C# latest, nullable on, the runtime
/// referenced. Diagnostics are asserted with <c>{|ID:span|}</c> markup; one not marked fails the test.
/// </summary>
internal sealed class AnalyzerTest : CSharpAnalyzerTest<ContractAnalyzer, DefaultVerifier>
{
    public const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    public AnalyzerTest(string source, bool topology = false)
    {
        Configure(this, source, topology);
    }

    public static async Task VerifyAsync(string source, bool topology = false) => await new AnalyzerTest(source, topology).RunAsync();

    internal static void Configure(Microsoft.CodeAnalysis.Testing.AnalyzerTest<DefaultVerifier> test, string source, bool topology)
    {
        test.TestCode = Usings + source;
        test.MarkupOptions = MarkupOptions.UseFirstDescriptor; // PIPE001 and PIPE002 come from two analyzers, with one descriptor
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var options = ((CSharpCompilationOptions)project.CompilationOptions!)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);
            return solution
                .WithProjectCompilationOptions(projectId, options)
                .WithProjectParseOptions(projectId, new CSharpParseOptions(LanguageVersion.Latest));
        });
        if (!topology)
        {
            // Topology notes (PIPE011) appear on almost every snippet; only the tests about them want them.
            test.DisabledDiagnostics.Add(DiagnosticDescriptors.LooseTopic.Id);
        }
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => All;

    internal static DiagnosticAnalyzer[] All => [new ContractAnalyzer(), new ProcessorAnalyzer(), new BlockingCallAnalyzer()];
}
