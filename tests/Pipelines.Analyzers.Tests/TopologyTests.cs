using Pipelines.Analyzers.Tests.Infrastructure;

namespace Pipelines.Analyzers.Tests;

/// <summary>PIPE011: topics that only one side of the compilation's processors uses, unless marked external.</summary>
public class TopologyTests
{
    [Fact]
    public Task Loose_ends_are_reported_on_the_processor_that_has_them() => AnalyzerTest.VerifyAsync("""
        [Topic("raw")] public partial class Raw { [Parameter] public int A { get; set; } }
        [Topic("clean")] public partial class Clean { [Parameter] public int A { get; set; } }
        [Topic("alerts")] public partial class Alert { [Parameter] public int A { get; set; } }
        [Processor] public partial class {|PIPE011:Cleaner|} { public Clean Handle(Raw row) => new(); }
        [Processor] public partial class {|PIPE011:Alerter|} { public Alert Handle(Clean row) => new(); }
        """, topology: true);

    [Fact]
    public Task A_closed_graph_with_external_ends_has_no_loose_ends() => AnalyzerTest.VerifyAsync("""
        [Topic("raw", External = true)] public partial class Raw { [Parameter] public int A { get; set; } }
        [Topic("clean")] public partial class Clean { [Parameter] public int A { get; set; } }
        [Topic("alerts", External = true)] public partial class Alert { [Parameter] public int A { get; set; } }
        [Processor] public partial class Cleaner { public Clean Handle(Raw row) => new(); }
        [Processor] public partial class Alerter { public Alert Handle(Clean row) => new(); }
        [Processor] public partial class Printer { public void Handle(Clean row) { } }
        """, topology: true);

    [Fact]
    public Task The_note_names_the_topic_and_the_way_out()
    {
        var test = new AnalyzerTest("""
            [Topic("raw")] public partial class Raw { [Parameter] public int A { get; set; } }
            [Processor] public partial class Sink { public void Handle(Raw row) { } }
            """, topology: true);
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.LooseTopic)
            .WithSpan(3, 34, 3, 38)
            .WithArguments("raw", "read by 'Sink' but written by no processor of this assembly", "writes"));
        return test.RunAsync();
    }
}
