using Pipelines.Analyzers.Tests.Infrastructure;

namespace Pipelines.Analyzers.Tests;

/// <summary>PIPE010: blocking inside an asynchronous handler, and the blocking that is not the handler's.</summary>
public class BlockingCallTests
{
    private const string Topics = """
        [Topic("in")] public partial class In { [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }
        public static class Lookup { public static Task<int> FindAsync(int a) => Task.FromResult(a); public static ValueTask<int> PeekAsync(int a) => new(a); }

        """;

    [Fact]
    public Task Each_blocking_call_in_an_async_handler() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P
        {
            public async Task<Out> Handle(In row)
            {
                var a = {|PIPE010:Lookup.FindAsync(row.A).Result|};
                var b = {|PIPE010:Lookup.PeekAsync(row.A).Result|};
                {|PIPE010:Lookup.FindAsync(1).Wait()|};
                var c = {|PIPE010:Lookup.FindAsync(2).GetAwaiter().GetResult()|};
                var d = {|PIPE010:Lookup.FindAsync(2).ConfigureAwait(false).GetAwaiter().GetResult()|};
                {|PIPE010:Thread.Sleep(10)|};
                {|PIPE010:Task.WaitAll(Lookup.FindAsync(3))|};
                await Task.Yield();
                return new Out { B = a + b + c + d };
            }
        }
        """);

    [Fact]
    public Task A_handler_returning_a_task_without_async_counts_as_asynchronous() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P { public ValueTask<Out> Handle(In row) => new(new Out { B = {|PIPE010:Lookup.FindAsync(row.A).Result|} }); }
        """);

    [Fact]
    public Task Not_reported_when_awaited_in_a_synchronous_handler_in_a_lambda_or_outside_a_processor() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class Awaits { public async Task<Out> Handle(In row) { var task = Lookup.FindAsync(row.A); var other = Lookup.FindAsync(1); await Task.WhenAll(task, other); return new Out { B = task.Result + other.Result }; } }
        [Processor] public partial class Sync { public Out Handle(In row) { Thread.Sleep(1); return new Out { B = Lookup.FindAsync(row.A).Result }; } }
        [Processor(GroupId = "lambda")] public partial class InLambda { public async Task<Out> Handle(In row) => new Out { B = await Task.Run(() => Lookup.FindAsync(row.A).Result) }; }
        public class NotAProcessor { public async Task<int> Handle(In row) { await Task.Yield(); return Lookup.FindAsync(row.A).Result; } }
        """);
}
