using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Pipelines.Testing;
using Rules = Pipelines.Analyzers;

namespace Pipelines.Benchmarks.Analyzers;

/// <summary>
/// What Pipelines' analyzers add to a build: a project of <see cref="Contracts"/> topic contracts and as many
/// processors, compiled with and without them in the same run. Each operation starts from a fresh compilation, so
/// nothing bound in one is reused by the next.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class AnalyzerBenchmarks
{
    private const int Contracts = 300;

    private CSharpCompilation compilation = null!;
    private ImmutableArray<DiagnosticAnalyzer> analyzers;

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Contracts).Select(i => CSharpSyntaxTree.ParseText(Source(i), new CSharpParseOptions(LanguageVersion.Latest), path: $"Stage{i}.cs"));
        compilation = CSharpCompilation.Create("Telemetry", trees, TestReferences.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        analyzers = [new Rules.ContractAnalyzer(), new Rules.ProcessorAnalyzer(), new Rules.BlockingCallAnalyzer()];
        var diagnostics = Analyze().GetAwaiter().GetResult();
        if (diagnostics.Any(d => d.Severity >= DiagnosticSeverity.Warning))
        {
            throw new InvalidOperationException("The benchmark project should be clean: " + diagnostics.First(d => d.Severity >= DiagnosticSeverity.Warning));
        }
    }

    [Benchmark(Baseline = true, Description = "compile (bind every method body)")]
    public int Compile() => compilation.Clone().GetDiagnostics().Length;

    [Benchmark(Description = "compile + an analyzer that does nothing")]
    public async Task<int> CompileAndDoNothing() => (await compilation.Clone().WithAnalyzers([new NothingAnalyzer()]).GetAllDiagnosticsAsync()).Length;

    [Benchmark(Description = "compile + Pipelines analyzers")]
    public async Task<int> CompileAndAnalyze() => (await Analyze()).Length;

    private Task<ImmutableArray<Diagnostic>> Analyze() =>
        compilation.Clone().WithAnalyzers(analyzers).GetAllDiagnosticsAsync();

    /// <summary>The cost any analyzer with symbol and operation actions pays for the driver, separated from Pipelines' own work.</summary>
    /// <remarks>Never loaded by a compiler, so the rules for shipped analyzers do not apply.</remarks>
#pragma warning disable RS1001, RS1036, RS1041, RS2008
    private sealed class NothingAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Never = new("NOTHING", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Never];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSymbolAction(_ => { }, SymbolKind.NamedType);
            context.RegisterOperationAction(_ => { }, OperationKind.Invocation, OperationKind.PropertyReference);
        }
    }
#pragma warning restore RS1001, RS1036, RS1041, RS2008

    // One stage of a telemetry pipeline: a contract, and a processor that reads the previous stage's contract.
    private static string Source(int i)
    {
        var text = new StringBuilder();
        text.AppendLine("using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;");
        text.AppendLine("namespace Telemetry;");
        text.AppendLine($"[Topic(\"stage-{i}\", External = {(i == 0 || i == Contracts - 1 ? "true" : "false")})]");
        text.AppendLine($"public partial class Stage{i}");
        text.AppendLine("{");
        text.AppendLine("    [Timestamp] public DateTimeOffset Time { get; set; }");
        text.AppendLine("    [Tag] public string CarId { get; set; } = \"\";");
        for (var p = 0; p < 8; p++)
        {
            text.AppendLine($"    [Parameter] public double? Value{p} {{ get; set; }}");
        }

        text.AppendLine("    [Parameter] public List<int>? Laps { get; init; }");
        text.AppendLine("}");
        if (i > 0)
        {
            text.AppendLine($"[Processor(MaxBatchSize = 500, CommitInterval = \"00:00:02\")]");
            text.AppendLine($"public partial class Step{i}");
            text.AppendLine("{");
            text.AppendLine($"    public async Task<Stage{i}?> Handle(Stage{i - 1} row, CancellationToken cancellationToken)");
            text.AppendLine("    {");
            text.AppendLine("        await Task.Yield();");
            text.AppendLine($"        return row.Value0 > 100 ? null : new Stage{i} {{ Time = row.Time, CarId = row.CarId, Value0 = row.Value0 * 2 }};");
            text.AppendLine("    }");
            text.AppendLine("}");
        }

        return text.ToString();
    }
}
