using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Pipelines.Generators.Tests.Infrastructure;

/// <summary>
/// The Roslyn source-generator test harness, set up for Pipelines: C# latest, nullable on, the runtime's own
/// assemblies as references. It fails on any diagnostic not expected, including compiler errors and warnings
/// in the generated code.
/// </summary>
internal sealed class GeneratorTest : CSharpSourceGeneratorTest<ContractGenerator, DefaultVerifier>
{
    /// <param name="http">Whether the project references Pipelines.Http (and ASP.NET Core).</param>
    public GeneratorTest(bool http = false)
    {
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(http ? TestCompilation.WithHttp : TestCompilation.References);
    }

    protected override IEnumerable<Type> GetSourceGenerators() => [typeof(ContractGenerator), typeof(ProcessorGenerator)];

    protected override ParseOptions CreateParseOptions() => TestCompilation.ParseOptions;

    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions())
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);

    public GeneratorTest Generates(string hintName, string text)
    {
        var generator = hintName.EndsWith(".Processor.g.cs", StringComparison.Ordinal) || hintName.EndsWith(".Sink.g.cs", StringComparison.Ordinal) || hintName == "Pipelines.AddPipelines.g.cs"
            ? typeof(ProcessorGenerator)
            : typeof(ContractGenerator);
        TestState.GeneratedSources.Add((generator, hintName, SourceText.From(text, Encoding.UTF8)));
        return this;
    }
}
