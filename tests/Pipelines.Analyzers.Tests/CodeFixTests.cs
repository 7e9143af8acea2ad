using Pipelines.Analyzers.CodeFixes;
using Pipelines.Analyzers.Tests.Infrastructure;

namespace Pipelines.Analyzers.Tests;

/// <summary>Every code fix: the source before, with its diagnostic, and after, with none.</summary>
public class CodeFixTests
{
    private const string Topics = """
        [Topic("in")] public partial class In { [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }
        public static class Lookup { public static Task<int> FindAsync(int a) => Task.FromResult(a); }

        """;

    [Fact]
    public Task PIPE001_adds_partial_after_the_other_modifiers() => CodeFixTest<MakePartialCodeFixProvider>.VerifyAsync(
        """
        [Topic("t")] public sealed class {|PIPE001:Row|} { [Parameter] public int A { get; set; } }
        """,
        """
        [Topic("t")] public sealed partial class Row { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE001_adds_partial_to_the_containing_types_too() => CodeFixTest<MakePartialCodeFixProvider>.VerifyAsync(
        """
        public static class Outer
        {
            class Middle
            {
                [MessageContract]
                public record {|PIPE001:Row|} { [Parameter] public int A { get; set; } }
            }
        }
        """,
        """
        public static partial class Outer
        {
            partial class Middle
            {
                [MessageContract]
                public partial record Row { [Parameter] public int A { get; set; } }
            }
        }
        """);

    [Fact]
    public Task PIPE001_makes_a_processor_partial() => CodeFixTest<MakePartialCodeFixProvider>.VerifyAsync(
        Topics + """
        [Processor]
        class {|PIPE001:P|} { public Out Handle(In row) => new(); }
        """,
        Topics + """
        [Processor]
        partial class P { public Out Handle(In row) => new(); }
        """);

    [Fact]
    public Task PIPE020_makes_the_state_type_a_contract_whose_public_members_are_parameters() => CodeFixTest<MakeMessageContractCodeFixProvider>.VerifyAsync(
        Topics + """
        public class Memo
        {
            public int Count { get; set; }
            public double Sum;
            [Tag] public string Key { get; set; } = "";
            public static int Shared { get; set; }
            public int Doubled => Count * 2;
        }

        [Processor] public partial class P { public Out Handle(In row, State<Memo> {|PIPE020:memo|}) => new(); }
        """,
        Topics + """
        [MessageContract] public partial class Memo
        {
            [Parameter] public int Count { get; set; }
            [Parameter] public double Sum;
            [Tag] public string Key { get; set; } = "";
            public static int Shared { get; set; }
            public int Doubled => Count * 2;
        }

        [Processor] public partial class P { public Out Handle(In row, State<Memo> memo) => new(); }
        """);

    [Fact]
    public Task PIPE020_makes_a_positional_record_accumulator_a_contract() => CodeFixTest<MakeMessageContractCodeFixProvider>.VerifyAsync(
        """
        [Topic("in")] public partial class In { [Timestamp] public long Time { get; set; } [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }
        public record struct Sum(long N, double Total);
        [Processor, Window(Tumbling = "00:00:10")] public partial class P { public Sum Aggregate(Sum a, In row) => a; public Out Emit(WindowInfo w, Sum {|PIPE020:a|}) => new(); }
        """,
        """
        [Topic("in")] public partial class In { [Timestamp] public long Time { get; set; } [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }
        [MessageContract] public partial record struct Sum([property: Parameter] long N, [property: Parameter] double Total);
        [Processor, Window(Tumbling = "00:00:10")] public partial class P { public Sum Aggregate(Sum a, In row) => a; public Out Emit(WindowInfo w, Sum a) => new(); }
        """);

    [Fact]
    public Task PIPE020_offers_nothing_for_a_type_it_cannot_change() => CodeFixTest<MakeMessageContractCodeFixProvider>.VerifyNoFixAsync(Topics + """
        [Processor] public partial class P { public Out Handle(In row, State<Uri> {|PIPE020:state|}) => new(); }
        """);

    [Fact]
    public Task PIPE012_adds_an_init_accessor_to_a_get_only_property() => CodeFixTest<MakeReadableCodeFixProvider>.VerifyAsync(
        """
        [MessageContract] public partial class Row { [Parameter] public int {|PIPE012:A|} { get; } }
        """,
        """
        [MessageContract] public partial class Row { [Parameter] public int A { get; init; } }
        """);

    [Fact]
    public Task PIPE012_removes_readonly_from_a_field() => CodeFixTest<MakeReadableCodeFixProvider>.VerifyAsync(
        """
        [MessageContract] public partial class Row { [Parameter] public readonly int {|PIPE012:A|}; }
        """,
        """
        [MessageContract] public partial class Row { [Parameter] public int A; }
        """);

    [Fact]
    public Task PIPE012_offers_nothing_for_a_write_only_or_static_member() => CodeFixTest<MakeReadableCodeFixProvider>.VerifyNoFixAsync("""
        [MessageContract] public partial class Row { private int a; [Parameter] public int {|PIPE012:A|} { set => a = value; } public int Read() => a; }
        [MessageContract] public partial class Other { [Parameter] public static int {|PIPE012:B|} { get; set; } }
        """);

    [Fact]
    public Task PIPE010_awaits_instead_of_blocking() => CodeFixTest<AwaitInsteadOfBlockingCodeFixProvider>.VerifyAsync(
        Topics + """
        [Processor] public partial class P
        {
            public async Task<Out> Handle(In row, CancellationToken cancellationToken)
            {
                var a = {|PIPE010:Lookup.FindAsync(row.A).Result|} + 1;
                {|PIPE010:Lookup.FindAsync(1).Wait()|};
                var c = {|PIPE010:Lookup.FindAsync(2).GetAwaiter().GetResult()|};
                {|PIPE010:Thread.Sleep(10)|};
                return new Out { B = a + c };
            }
        }
        """,
        Topics + """
        [Processor] public partial class P
        {
            public async Task<Out> Handle(In row, CancellationToken cancellationToken)
            {
                var a = await Lookup.FindAsync(row.A) + 1;
                await Lookup.FindAsync(1);
                var c = await Lookup.FindAsync(2);
                await Task.Delay(10, cancellationToken);
                return new Out { B = a + c };
            }
        }
        """);

    [Fact]
    public Task PIPE010_offers_nothing_when_the_handler_is_not_async() => CodeFixTest<AwaitInsteadOfBlockingCodeFixProvider>.VerifyNoFixAsync(Topics + """
        [Processor] public partial class P { public Task<Out> Handle(In row) => Task.FromResult(new Out { B = {|PIPE010:Lookup.FindAsync(row.A).Result|} }); }
        """);
}
