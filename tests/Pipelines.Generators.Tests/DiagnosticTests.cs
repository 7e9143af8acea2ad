using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Each diagnostic, at its exact span (the <c>{|ID:...|}</c> markup), and the rule that a type with an error gets
/// no generated code.
/// </summary>
public class DiagnosticTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Pipelines;\n";

    [Fact]
    public Task PIPE001_contract_not_partial() => Expect("""
        [Topic("t")] public class {|PIPE001:Row|} { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE001_containing_type_not_partial() => Expect("""
        public class Outer { [MessageContract] public partial class {|PIPE001:Row|} { [Parameter] public int A { get; set; } } }
        """);

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("ümlaut")]
    public Task PIPE002_invalid_topic_name(string topic) => Expect($$"""
        [Topic("{{topic}}")] public partial class {|PIPE002:Row|} { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE002_topic_name_too_long() => Expect($$"""
        [Topic("{{new string('a', 250)}}")] public partial class {|PIPE002:Row|} { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE003_unsupported_parameter_type() => Expect("""
        [MessageContract] public partial class Row { [Parameter] public object {|PIPE003:Payload|} { get; set; } = new(); }
        """);

    [Fact]
    public Task PIPE003_unsupported_element_type() => Expect("""
        [MessageContract] public partial class Row { [Parameter] public List<Uri>? {|PIPE003:Links|} { get; set; } }
        """);

    [Fact]
    public Task PIPE003_collection_as_tag() => Expect("""
        [MessageContract] public partial class Row { [Tag] public int[]? {|PIPE003:Ids|} { get; set; } }
        """);

    [Fact]
    public Task PIPE004_duplicate_wire_name() => Expect("""
        [MessageContract] public partial class Row
        {
            [Parameter("speed")] public double A { get; set; }
            [Parameter("speed")] public double {|PIPE004:B|} { get; set; }
        }
        """);

    [Fact]
    public Task PIPE005_second_timestamp() => Expect("""
        [MessageContract] public partial class Row
        {
            [Timestamp] public long A { get; set; }
            [Timestamp] public DateTime {|PIPE005:B|} { get; set; }
        }
        """);

    [Fact]
    public Task PIPE005_timestamp_of_unsupported_type() => Expect("""
        [MessageContract] public partial class Row { [Timestamp] public string {|PIPE005:When|} { get; set; } = ""; }
        """);

    [Fact]
    public Task PIPE012_get_only_member_without_constructor() => Expect("""
        [MessageContract] public partial class Row { [Parameter] public int {|PIPE012:A|} { get; } }
        """);

    [Fact]
    public Task PIPE012_write_only_member() => Expect("""
        [MessageContract] public partial class Row { private int a; [Parameter] public int {|PIPE012:A|} { set => a = value; } }
        """);

    [Fact]
    public Task PIPE012_static_member() => Expect("""
        [MessageContract] public partial class Row { [Parameter] public static int {|PIPE012:A|} { get; set; } }
        """);

    [Fact]
    public Task PIPE013_generic_type() => Expect("""
        [MessageContract] public partial class {|PIPE013:Row|}<T> { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE013_abstract_type() => Expect("""
        [MessageContract] public abstract partial class {|PIPE013:Row|} { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE013_no_usable_constructor() => Expect("""
        [MessageContract] public partial class {|PIPE013:Row|}
        {
            public Row(string unrelated) { }
            [Parameter] public int A { get; init; }
        }
        """);

    [Fact]
    public Task PIPE014_recursive_contract() => Expect("""
        [MessageContract] public partial class Node { [Parameter] public List<Node>? {|PIPE014:Children|} { get; set; } }
        """);

    [Fact]
    public Task PIPE014_mutually_recursive_contracts() => Expect("""
        [MessageContract] public partial class A { [Parameter] public B? {|PIPE014:Next|} { get; set; } }
        [MessageContract] public partial class B { [Parameter] public A? {|PIPE014:Back|} { get; set; } }
        """);

    [Fact]
    public Task PIPE015_two_field_attributes() => Expect("""
        [MessageContract] public partial class Row { [Tag, Parameter] public string {|PIPE015:A|} { get; set; } = ""; }
        """);

    [Fact]
    public Task PIPE016_empty_wire_name() => Expect("""
        [MessageContract] public partial class Row { [Parameter(" ")] public int {|PIPE016:A|} { get; set; } }
        """);

    [Fact]
    public Task PIPE017_member_contract_has_errors() => Expect("""
        [MessageContract] public partial class Outer { [Parameter] public Inner? {|PIPE017:Inner|} { get; set; } }
        [MessageContract] public partial class Inner { [Parameter] public object {|PIPE003:Bad|} { get; set; } = new(); }
        """);

    private const string Topics = """
        [Topic("in")] public partial class In { [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }
        """;

    [Fact]
    public Task PIPE001_processor_not_partial() => Expect(Topics + """
        [Processor] public class {|PIPE001:P|} { public Out Handle(In row) => new(); }
        """, processors: 0);

    [Fact]
    public Task PIPE006_processor_without_handler() => Expect(Topics + """
        [Processor] public partial class {|PIPE006:P|} { public Out Process(In row) => new(); }
        """, processors: 0);

    [Fact]
    public Task PIPE006_processor_with_two_handlers() => Expect(Topics + """
        [Processor] public partial class P { public Out Handle(In row) => new(); public Out {|PIPE006:Handle|}(Out row) => new(); }
        """, processors: 0);

    [Fact]
    public Task PIPE006_handler_input_not_a_topic() => Expect(Topics + """
        [Processor] public partial class P { public Out {|PIPE006:Handle|}(string row) => new(); }
        """, processors: 0);

    [Fact]
    public Task PIPE006_handler_with_an_extra_parameter() => Expect(Topics + """
        [Processor] public partial class P { public Out {|PIPE006:Handle|}(In row, int extra) => new(); }
        """, processors: 0);

    [Fact]
    public Task PIPE006_handler_output_not_a_topic() => Expect(Topics + """
        [Processor] public partial class P { public int {|PIPE006:Handle|}(In row) => 1; }
        """, processors: 0);

    [Fact]
    public Task PIPE002_invalid_topic_override_on_a_processor() => Expect(Topics + """
        [Processor(InputTopic = "not valid")] public partial class {|PIPE002:P|} { public Out Handle(In row) => new(); }
        """, processors: 0);

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
    public async Task Valid_contracts_beside_invalid_ones_are_still_generated()
    {
        var source = Usings + """
            [MessageContract] public partial class Good { [Parameter] public int A { get; set; } }
            [MessageContract] public partial class Bad { [Parameter] public object {|PIPE003:B|} { get; set; } = new(); }
            """;
        var test = new GeneratorTest { TestCode = source };
        test.TestBehaviors |= Microsoft.CodeAnalysis.Testing.TestBehaviors.SkipGeneratedSourcesCheck;

        await test.RunAsync();

        var result = TestCompilation.Driver().RunGenerators(TestCompilation.Create(source.Replace("{|PIPE003:B|}", "B"))).GetRunResult();
        Assert.Equal(["Good.Contract.g.cs"], result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)));
    }

    private static async Task Expect(string source, int? processors = null)
    {
        var test = new GeneratorTest { TestCode = Usings + source };
        if (processors is not null)
        {
            // The topic contracts around the processor are valid and generated; only the processor must produce nothing.
            test.TestBehaviors |= Microsoft.CodeAnalysis.Testing.TestBehaviors.SkipGeneratedSourcesCheck;
            var plain = System.Text.RegularExpressions.Regex.Replace(Usings + source, @"\{\|PIPE\d+:([^|]*)\|\}", "$1");
            var generated = TestCompilation.Driver().RunGenerators(TestCompilation.Create(plain)).GetRunResult().GeneratedTrees;
            Assert.Equal(processors, generated.Count(t => t.FilePath.EndsWith(".Processor.g.cs", StringComparison.Ordinal)));
        }

        // Otherwise no generated source is listed, so the harness also proves that nothing was generated for the type.
        await test.RunAsync();
    }
}
