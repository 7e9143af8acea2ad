using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// The generator's side of invalid input: it reports nothing (the analyzers do, see Pipelines.Analyzers.Tests),
/// generates nothing for the type in error, keeps generating the valid types beside it, and never fails.
/// </summary>
public class InvalidInputTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Pipelines;\n";

    private const string Topics = """
        [Topic("in")] public partial class In { [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }

        """;

    /// <summary>One source per diagnostic the parser records, with the files still expected from the valid types in it.</summary>
    public static TheoryData<string, string, string[]> Invalid => new()
    {
        { "PIPE001 contract", """[Topic("t")] public class Row { [Parameter] public int A { get; set; } }""", [] },
        { "PIPE001 container", """public class Outer { [MessageContract] public partial class Row { [Parameter] public int A { get; set; } } }""", [] },
        { "PIPE002", """[Topic("has space")] public partial class Row { [Parameter] public int A { get; set; } }""", [] },
        { "PIPE003", """[MessageContract] public partial class Row { [Parameter] public object Payload { get; set; } = new(); }""", [] },
        { "PIPE004", """[MessageContract] public partial class Row { [Parameter("s")] public int A { get; set; } [Parameter("s")] public int B { get; set; } }""", [] },
        { "PIPE005", """[MessageContract] public partial class Row { [Timestamp] public string When { get; set; } = ""; }""", [] },
        { "PIPE012", """[MessageContract] public partial class Row { [Parameter] public int A { get; } }""", [] },
        { "PIPE013", """[MessageContract] public abstract partial class Row { [Parameter] public int A { get; set; } }""", [] },
        { "PIPE014", """[MessageContract] public partial class Node { [Parameter] public List<Node>? Children { get; set; } }""", [] },
        { "PIPE015", """[MessageContract] public partial class Row { [Tag, Parameter] public string A { get; set; } = ""; }""", [] },
        { "PIPE016", """[MessageContract] public partial class Row { [Parameter(" ")] public int A { get; set; } }""", [] },
        { "PIPE017", """[MessageContract] public partial class Outer { [Parameter] public Inner? Inner { get; set; } } [MessageContract] public partial class Inner { [Parameter] public object Bad { get; set; } = new(); }""", [] },
        { "PIPE001 processor", Topics + """[Processor] public class P { public Out Handle(In row) => new(); }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE002 processor", Topics + """[Processor(InputTopic = "not valid")] public partial class P { public Out Handle(In row) => new(); }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE006", Topics + """[Processor] public partial class P { public int Handle(In row) => 1; }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        {
            "PIPE003 in the processor's input",
            """[Topic("in")] public partial class In { [Parameter] public object A { get; set; } = new(); }""" + "\n" +
            """[Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }""" + "\n" +
            """[Processor] public partial class P { public Out Handle(In row) => new(); }""",
            ["Out.Contract.g.cs"]
        },
        {
            "PIPE001 in the processor's output",
            """[Topic("in")] public partial class In { [Parameter] public int A { get; set; } }""" + "\n" +
            """[Topic("out")] public class Out { [Parameter] public int B { get; set; } }""" + "\n" +
            """[Processor] public partial class P { public IEnumerable<Out> Handle(In row) => []; }""",
            ["In.Contract.g.cs"]
        },
        { "PIPE020", Topics + """public class Plain { } [Processor] public partial class P { public Out Handle(In row, State<Plain> state) => new(); }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE021", Topics + """[Topic("tin")] public partial class TIn { [Timestamp] public long T { get; set; } [Parameter] public double A { get; set; } } [MessageContract] public partial struct Acc { [Parameter] public long N { get; set; } } [Processor, Window(Tumbling = "00:00:10", Hop = "00:00:05")] public partial class P { public Acc Aggregate(Acc a, TIn row) => a; public Out Emit(WindowInfo w, Acc a) => new(); }""", ["Acc.Contract.g.cs", "In.Contract.g.cs", "Out.Contract.g.cs", "TIn.Contract.g.cs"] },
        { "PIPE022", Topics + """[Topic("tin")] public partial class TIn { [Timestamp] public long T { get; set; } [Parameter] public double A { get; set; } } [MessageContract] public partial struct Acc { [Parameter] public long N { get; set; } } [Processor, Window(Session = "00:00:10")] public partial class P { public Acc Aggregate(Acc a, TIn row) => a; public Out Emit(WindowInfo w, Acc a) => new(); }""", ["Acc.Contract.g.cs", "In.Contract.g.cs", "Out.Contract.g.cs", "TIn.Contract.g.cs"] },
        { "PIPE023", Topics + """[Topic("tin")] public partial class TIn { [Timestamp] public long T { get; set; } [Parameter] public double A { get; set; } } [MessageContract] public partial struct Acc { [Parameter] public long N { get; set; } } [Processor, Window(Tumbling = "00:00:10")] public partial class P { public Acc Aggregate(Acc a, In row) => a; public Out Emit(WindowInfo w, Acc a) => new(); }""", ["Acc.Contract.g.cs", "In.Contract.g.cs", "Out.Contract.g.cs", "TIn.Contract.g.cs"] },
        { "CS0102 across partial declarations", """[MessageContract] public partial class Row { [Parameter] public int A { get; set; } } public partial class Row { [Parameter] public int A { get; set; } }""", [] },
        { "PIPE008", Topics + """[Processor(MaxBatchSize = 0)] public partial class P { public Out Handle(In row) => new(); }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE008 buffer", Topics + """[Processor, Buffer(Timeout = "00:00:01")] public partial class P { public Out Handle(In row) => new(); }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE018", Topics + """[Processor, Buffer(Filter = "Keep")] public partial class P { bool Keep(Out row) => true; public Out Handle(In row) => new(); }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE019 processor", Topics + """[Processor, Buffer(DataSpan = "00:00:01")] public partial class P { public Out Handle(In row) => new(); }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE001 sink", Topics + """[Sink<Out>(Pipelines.Sinks.SinkTarget.Parquet, Directory = "d")] public class S { }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE029", Topics + """[Sink<Out>(Pipelines.Sinks.SinkTarget.Sqlite)] public partial class S { }""", ["In.Contract.g.cs", "Out.Contract.g.cs"] },
        { "PIPE003 in the sink's contract", """[Topic("in")] public partial class In { [Parameter] public object A { get; set; } = new(); } [Sink<In>(Pipelines.Sinks.SinkTarget.Parquet, Directory = "d")] public partial class S { }""", [] },
        {
            "PIPE019 in the processor's output",
            """[Topic("in")] public partial class In { [Parameter] public int A { get; set; } }""" + "\n" +
            """[Topic("out"), Buffer(Reorder = "00:00:01")] public partial class Out { [Parameter] public int B { get; set; } }""" + "\n" +
            """[Processor] public partial class P { public Out Handle(In row) => new(); }""",
            ["In.Contract.g.cs"]
        },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_type_in_error_gets_no_code_and_no_diagnostic_from_the_generator(string rule, string source, string[] expectedFiles)
    {
        var driver = TestCompilation.Driver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(Usings + source), out _, out var diagnostics);
        var result = driver.GetRunResult();

        Assert.Empty(diagnostics);
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.True(
            expectedFiles.SequenceEqual(result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order(StringComparer.Ordinal)),
            $"{rule}: generated {string.Join(", ", result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)))}");
    }

    [Fact]
    public void Processor_groups_default_to_the_kebab_cased_class_name()
    {
        Assert.Equal("brake-monitor", Pipelines.Generators.Parsing.ProcessorParser.KebabCase("BrakeMonitor"));
        Assert.Equal("http-gateway", Pipelines.Generators.Parsing.ProcessorParser.KebabCase("HTTPGateway"));
        Assert.Equal("sensor2-reader", Pipelines.Generators.Parsing.ProcessorParser.KebabCase("Sensor2Reader"));
        Assert.Equal("x", Pipelines.Generators.Parsing.ProcessorParser.KebabCase("X"));
    }

    [Fact]
    public async Task An_unresolved_member_type_leaves_only_the_compiler_error_and_generates_nothing()
    {
        var test = new GeneratorTest { TestCode = Usings + """
            [MessageContract] public partial class Row { [Parameter] public {|CS0246:Missing|} A { get; set; } = null!; }
            """ };

        await test.RunAsync();
    }

    [Fact]
    public void The_generator_survives_code_that_does_not_parse()
    {
        var source = Usings + """
            [Topic("t")] public partial class Row { [Parameter] public int A { get; set; [Parameter] public
            [MessageContract] public partial struct
            """;

        var driver = TestCompilation.Driver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(generatorDiagnostics, d => d.Id == "CS8785"); // "generator failed"
        var generatedTrees = result.GeneratedTrees.ToHashSet();
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree));
    }

    [Fact]
    public void Valid_contracts_beside_invalid_ones_are_still_generated()
    {
        var source = Usings + """
            [MessageContract] public partial class Good { [Parameter] public int A { get; set; } }
            [MessageContract] public partial class Bad { [Parameter] public object B { get; set; } = new(); }
            """;

        var result = TestCompilation.Driver().RunGenerators(TestCompilation.Create(source)).GetRunResult();

        Assert.Equal(["Good.Contract.g.cs"], result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)));
        Assert.Empty(result.Diagnostics);
    }
}
