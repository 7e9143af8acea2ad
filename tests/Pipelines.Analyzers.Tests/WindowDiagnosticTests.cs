using Pipelines.Analyzers.Tests.Infrastructure;

namespace Pipelines.Analyzers.Tests;

/// <summary>Windowed processors' diagnostics at their exact spans, each beside the code that does not trigger it.</summary>
public class WindowDiagnosticTests
{
    private const string Contracts = """
        [Topic("in")] public partial class In { [Timestamp] public long T { get; set; } [Parameter] public double A { get; set; } }
        [Topic("untimed")] public partial class Untimed { [Parameter] public double A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public double B { get; set; } }
        [MessageContract] public partial record struct Acc { [Parameter] public long N { get; init; } }

        """;

    private const string Body = "{ public Acc Aggregate(Acc a, In row) => a with { N = a.N + 1 }; public Out Emit(WindowInfo w, Acc a) => new(); }";

    [Fact]
    public Task Every_valid_window_has_no_diagnostics() => AnalyzerTest.VerifyAsync(Contracts + $$"""
        [Processor, Window(Tumbling = "00:00:10")] public partial class P1 {{Body}}
        [Processor(GroupId = "p2"), Window(Hopping = "00:00:10", Hop = "00:00:05", Grace = "00:00:01", Emit = WindowEmit.OnUpdate)] public partial class P2 {{Body}}
        [Processor(GroupId = "p3"), Window(Session = "00:01:00", CloseAfterIdle = "00:00:30")] public partial class P3 { public Acc Aggregate(Acc a, In row) => a; public Acc Merge(Acc l, Acc r) => l; public Out? Emit(WindowInfo w, Acc a) => null; }
        [Processor(GroupId = "p4"), Window(Session = "00:01:00", Of = nameof(Value))] public partial class P4 { static double Value(In row) => row.A; public Out Emit(WindowInfo w, WindowStats s) => new() { B = s.Mean }; }
        [Processor(GroupId = "p5"), Window(Sliding = "00:00:10", Grace = "00:00:01")] public partial class P5 { public Acc Aggregate(Acc a, In row) => a; public Acc Merge(Acc l, Acc r) => l; public Out Emit(WindowInfo w, Acc a) => new(); }
        [Processor(GroupId = "p6"), Window(Session = "00:00:10")] public partial class P6 { public Out Emit(WindowInfo w, IReadOnlyList<In> rows) => new() { B = rows.Count }; }
        """);

    [Theory]
    [InlineData("""[{|PIPE021:Window(Grace = "00:00:01")|}]""")]
    [InlineData("""[Window(Tumbling = "00:00:10", Session = {|PIPE021:"00:00:10"|})]""")]
    [InlineData("""[Window(Tumbling = {|PIPE021:"00:00:00"|})]""")]
    [InlineData("""[Window(Tumbling = "00:00:10", Grace = {|PIPE021:"-00:00:01"|})]""")]
    [InlineData("""[Window(Tumbling = "00:00:10", Hop = {|PIPE021:"00:00:05"|})]""")]
    [InlineData("""[Window(Hopping = "00:00:10", Hop = {|PIPE021:"00:00:20"|})]""")]
    [InlineData("""[Window(Hopping = "00:00:10", Hop = {|PIPE021:"00:00:03"|})]""")]
    [InlineData("""[Window(Hopping = {|PIPE021:"00:00:10"|})]""")]
    [InlineData("""[Window(Session = {|PIPE021:"soon"|})]""")]
    [InlineData("""[Window(Tumbling = "00:00:10", CloseAfterIdle = {|PIPE021:"00:00:00"|})]""")]
    [InlineData("""[Window(Tumbling = "00:00:10", Of = {|PIPE021:"A"|})]""")]
    [InlineData("""[Window(Sliding = "00:00:10", Emit = {|PIPE021:WindowEmit.OnClose|})]""")]
    public Task PIPE021_window_settings(string window) => AnalyzerTest.VerifyAsync(Contracts + $$"""
        [Processor]
        {{window}}
        public partial class P {{Body}}
        """);

    [Fact]
    public Task PIPE022_a_row_handler_beside_a_window() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, Window(Tumbling = "00:00:10")] public partial class P { public Out {|PIPE022:Handle|}(In row) => new(); public Out Emit(WindowInfo w, Acc a) => new(); }
        """);

    [Fact]
    public Task PIPE022_no_emit() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, Window(Tumbling = "00:00:10")] public partial class {|PIPE022:P|} { public Acc Aggregate(Acc a, In row) => a; }
        """);

    [Fact]
    public Task PIPE022_aggregate_of_the_wrong_shape() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, Window(Tumbling = "00:00:10")] public partial class P { public void {|PIPE022:Aggregate|}(Acc a, In row) { } public Out Emit(WindowInfo w, Acc a) => new(); }
        """);

    [Fact]
    public Task PIPE022_session_windows_without_merge() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, Window(Session = "00:00:10")] public partial class P { public Acc {|PIPE022:Aggregate|}(Acc a, In row) => a; public Out Emit(WindowInfo w, Acc a) => new(); }
        """);

    [Fact]
    public Task PIPE021_of_with_collected_rows() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, Window(Tumbling = "00:00:10", Of = {|PIPE021:"A"|})] public partial class P { public Out Emit(WindowInfo w, IReadOnlyList<In> rows) => new(); }
        """);

    [Fact]
    public Task PIPE023_collected_rows_without_a_timestamp() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, {|PIPE023:Window(Tumbling = "00:00:10")|}] public partial class P { public Out Emit(WindowInfo w, IReadOnlyList<Untimed> rows) => new(); }
        """);

    [Fact]
    public Task PIPE022_sliding_windows_without_merge() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, Window(Sliding = "00:00:10")] public partial class P { public Acc {|PIPE022:Aggregate|}(Acc a, In row) => a; public Out Emit(WindowInfo w, Acc a) => new(); }
        """);

    [Fact]
    public Task PIPE022_stats_without_a_value_method() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, Window(Tumbling = "00:00:10", Of = {|PIPE022:"Missing"|})] public partial class P { public Out Emit(WindowInfo w, WindowStats s) => new(); }
        """);

    [Fact]
    public Task PIPE022_an_accumulator_class_without_a_parameterless_constructor() => AnalyzerTest.VerifyAsync(Contracts + """
        [MessageContract] public partial record Sum(long N) { [Parameter] public long N { get; init; } = N; }
        [Processor, Window(Tumbling = "00:00:10")] public partial class P { public Sum Aggregate(Sum a, In row) => a; public Out Emit(WindowInfo w, Sum {|PIPE022:a|}) => new(); }
        """);

    [Fact]
    public Task PIPE023_input_without_a_timestamp() => AnalyzerTest.VerifyAsync(Contracts + """
        [Processor, {|PIPE023:Window(Tumbling = "00:00:10")|}] public partial class P { public Acc Aggregate(Acc a, Untimed row) => a; public Out Emit(WindowInfo w, Acc a) => new(); }
        """);

    [Fact]
    public Task PIPE020_an_accumulator_that_is_not_a_contract() => AnalyzerTest.VerifyAsync(Contracts + """
        public record struct Plain(long N);
        [Processor, Window(Tumbling = "00:00:10")] public partial class P { public Plain Aggregate(Plain a, In row) => a; public Out Emit(WindowInfo w, Plain {|PIPE020:a|}) => new(); }
        """);
}
