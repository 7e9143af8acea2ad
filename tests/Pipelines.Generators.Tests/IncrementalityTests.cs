using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

public class IncrementalityTests
{
    private const string Contract = """
        using Pipelines;
        namespace Demo;
        [Topic("readings")]
        public partial class Reading
        {
            [Tag] public string Sensor { get; set; } = "";
            [Parameter] public double Value { get; set; }
        }
        [MessageContract]
        public partial class Detail
        {
            [Parameter] public int Code { get; set; }
        }
        [Topic("checked")]
        public partial class Checked
        {
            [Parameter] public bool Ok { get; set; }
        }
        [Processor]
        public partial class Checker
        {
            public Checked Handle(Reading row) => new() { Ok = row.Value > 0 };
        }
        """;

    private const string Unrelated = """
        namespace Demo;
        public class Calculator { public int Add(int a, int b) => a + b; }
        """;

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged_and_regenerates_nothing()
    {
        // With Pipelines.Http referenced, so that the HTTP endpoints are generated too and must stay cached.
        var compilation = TestCompilation.Create(TestCompilation.WithHttp, Contract, Unrelated);
        var driver = TestCompilation.Driver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.ElementAt(1),
            CSharpSyntaxTree.ParseText(Unrelated + "\npublic class Added { }", TestCompilation.ParseOptions, path: "Source1.cs"));
        var results = driver.RunGenerators(edited).GetRunResult().Results;
        var steps = results.SelectMany(r => r.TrackedSteps).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.SelectMany(s => s.Value).ToList());

        foreach (var name in new[] { TrackingNames.Topics, TrackingNames.MessageContracts, TrackingNames.Processors, TrackingNames.Registration, TrackingNames.StreamEndpoints })
        {
            var outputs = steps[name].SelectMany(step => step.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        }

        Assert.All(
            results.SelectMany(r => r.TrackedOutputSteps).SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_a_contract_regenerates_that_contract_only()
    {
        var compilation = TestCompilation.Create(Contract, Unrelated);
        var driver = TestCompilation.Driver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText(Contract.Replace("double Value", "float Value"), TestCompilation.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single(r => r.Generator.GetGeneratorType() == typeof(ContractGenerator));
        var topics = result.TrackedSteps[TrackingNames.Topics].SelectMany(s => s.Outputs).ToList();

        Assert.Equal([IncrementalStepRunReason.Modified, IncrementalStepRunReason.Unchanged], topics.Select(o => o.Reason).Order());
        Assert.Contains(result.TrackedSteps[TrackingNames.MessageContracts].Single().Outputs.Single().Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        Assert.Contains("SingleCodec", result.GeneratedSources.Single(s => s.HintName.StartsWith("Demo.Reading")).SourceText.ToString());
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var results = TestCompilation.Driver(trackSteps: true).RunGenerators(TestCompilation.Create(Contract)).GetRunResult().Results;
        var tracked = results.SelectMany(r => r.TrackedSteps)
            .Where(s => s.Key is TrackingNames.Topics or TrackingNames.MessageContracts or TrackingNames.Processors or TrackingNames.Registration or TrackingNames.StreamEndpoints)
            .ToList();

        Assert.Equal(5, tracked.Count);
        foreach (var output in tracked.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            AssertPlainData(output.Value, depth: 0);
        }
    }

    private static void AssertPlainData(object? value, int depth)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || depth > 12)
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel, $"{value.GetType()} must not be kept in the pipeline");
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                AssertPlainData(item, depth + 1);
            }

            return;
        }

        if (value.GetType().Namespace?.StartsWith("Pipelines.Generators", StringComparison.Ordinal) != true)
        {
            return; // framework values such as TextSpan or DiagnosticDescriptor
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertPlainData(property.GetValue(value), depth + 1);
        }
    }
}
