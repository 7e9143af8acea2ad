using Microsoft.CodeAnalysis.Testing;
using Pipelines.Analyzers;
using Pipelines.Analyzers.Tests.Infrastructure;

namespace Pipelines.Analyzers.Tests;

/// <summary>Processor diagnostics at their exact spans, each beside the code that does not trigger it.</summary>
public class ProcessorDiagnosticTests
{
    private const string Topics = """
        [Topic("in")] public partial class In { [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }

        """;

    [Fact]
    public Task Every_valid_handler_shape_has_no_diagnostics() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P1 { public Out? Handle(In row) => null; }
        [Processor] public partial class P2 { public IEnumerable<Out> Handle(IReadOnlyList<In> rows, Pipelines.StreamContext context) => []; }
        [Processor] public partial class P3 { public async ValueTask<Out[]> Handle(In row, CancellationToken ct) { await Task.Delay(1, ct); return []; } }
        [Processor] public partial class P4 { public Task Handle(IReadOnlyList<In> rows) => Task.CompletedTask; }
        [Processor] public partial class P5 { public void Handle(Out row) { } }
        [Topic("in2")] public partial class In2 { [Parameter] public int C { get; set; } }
        [Processor] public partial class Merge { public Out? Handle(In row, Pipelines.StreamContext context) => null; public ValueTask<Out> Handle(In2 row, CancellationToken ct) => new(new Out()); }
        """);

    [Fact]
    public Task PIPE001_processor_not_partial() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public class {|PIPE001:P|} { public Out Handle(In row) => new(); }
        """);

    [Fact]
    public Task PIPE006_processor_without_handler() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class {|PIPE006:P|} { public Out Process(In row) => new(); }
        """);

    [Fact]
    public Task PIPE006_several_inputs_in_shapes_a_merge_cannot_take() => AnalyzerTest.VerifyAsync(Topics + """
        [Topic("in2")] public partial class In2 { [Parameter] public int C { get; set; } }
        [Topic("in3")] public partial class In3 { [Parameter] public int D { get; set; } }
        [Topic("in4")] public partial class In4 { [Parameter] public int E { get; set; } }
        [Topic("in")] public partial class SameTopic { [Parameter] public int F { get; set; } }
        [MessageContract] public partial struct S { [Parameter] public int N { get; set; } }
        [MessageContract] public partial struct S2 { [Parameter] public int N { get; set; } }
        [Processor] public partial class Lists { public Out Handle(In row) => new(); public Out {|PIPE006:Handle|}(IReadOnlyList<In2> rows) => new(); }
        [Processor] public partial class Outputs { public Out Handle(In row) => new(); public In3 {|PIPE006:Handle|}(In2 row) => new(); }
        [Processor] public partial class States { public Out Handle(In row, State<S> s) => new(); public Out {|PIPE006:Handle|}(In2 row, State<S2> s) => new(); }
        [Processor] public partial class Twice { public Out Handle(In row) => new(); public Out {|PIPE006:Handle|}(In row, CancellationToken c) => new(); }
        [Processor] public partial class OneTopic { public Out Handle(In row) => new(); public Out {|PIPE006:Handle|}(SameTopic row) => new(); }
        [Processor] public partial class Tabled { public Out Handle(In row) => new(); public Out {|PIPE006:Handle|}(In2 row, GlobalTable<In3> t) => new(); }
        [Processor] public partial class Four { public void Handle(In row) { } public void Handle(In2 row) { } public void Handle(In3 row) { } public void {|PIPE006:Handle|}(In4 row) { } }
        [Processor(InputTopic = {|PIPE006:"in"|})] public partial class Renamed { public void Handle(In row) { } public void Handle(In2 row) { } }
        """);

    private const string JoinTopics = """
        [Topic("laps")] public partial class Lap { [Timestamp] public long Time { get; set; } [Tag] public string Car { get; set; } = ""; }
        [Topic("stops")] public partial class Stop { [Timestamp] public long Time { get; set; } [Tag] public string Car { get; set; } = ""; }
        [Topic("untimed")] public partial class Untimed { [Tag] public string Car { get; set; } = ""; }
        [Topic("laps-again")] public partial class LapAgain { [Timestamp] public long Time { get; set; } [Tag] public string Car { get; set; } = ""; }
        [Topic("joined")] public partial class Joined { [Tag] public string Car { get; set; } = ""; }

        """;

    [Fact]
    public Task PIPE026_joins_in_shapes_the_runtime_cannot_run() => AnalyzerTest.VerifyAsync(JoinTopics + """
        [Processor, {|PIPE026:Join|}] public partial class Neither { public Joined Handle(Lap lap, Stop stop) => new(); }
        [Processor, Join(Within = "00:00:01", AsOf = {|PIPE026:"00:00:01"|})] public partial class Both { public Joined Handle(Lap lap, Stop stop) => new(); }
        [Processor, Join(Within = {|PIPE026:"soon"|})] public partial class BadTime { public Joined Handle(Lap lap, Stop stop) => new(); }
        [Processor, Join(Within = {|PIPE026:"-00:00:01"|})] public partial class Negative { public Joined Handle(Lap lap, Stop stop) => new(); }
        [Processor, Join(Within = "00:00:01", Grace = {|PIPE026:"x"|})] public partial class BadGrace { public Joined Handle(Lap lap, Stop stop) => new(); }
        [Processor, Join(AsOf = "00:00:01")] public partial class OneRow { public Joined {|PIPE026:Handle|}(Lap lap) => new(); }
        [Processor, Join(AsOf = "00:00:01")] public partial class NoTime { public Joined {|PIPE026:Handle|}(Lap lap, Untimed stop) => new(); }
        [Processor, Join(AsOf = "00:00:01")] public partial class Itself { public Joined {|PIPE026:Handle|}(Lap lap, Lap other) => new(); }
        [Processor, Join(AsOf = "00:00:01")] public partial class Many { public IEnumerable<Joined> {|PIPE026:Handle|}(Lap lap, Stop stop) => []; }
        [Processor, Join(AsOf = "00:00:01")] public partial class Sink { public void {|PIPE026:Handle|}(Lap lap, Stop stop) { } }
        [Processor, Join(AsOf = "00:00:01")] public partial class Two { public Joined Handle(Lap lap, Stop stop) => new(); public Joined {|PIPE026:Handle|}(LapAgain lap, Stop stop) => new(); }
        [Processor(InputTopic = {|PIPE026:"laps"|}), Join(AsOf = "00:00:01")] public partial class Renamed { public Joined Handle(Lap lap, Stop stop) => new(); }
        """);

    [Fact]
    public Task PIPE026_not_reported_for_inner_and_left_interval_and_as_of_joins() => AnalyzerTest.VerifyAsync(JoinTopics + """
        [Processor, Join(Within = "00:00:05")] public partial class Inner { public Joined? Handle(Lap lap, Stop stop) => null; }
        [Processor(OutputTopic = "left"), Join(Within = "00:00:05", Grace = "00:00:01")] public partial class Left { public Joined Handle(Lap lap, Stop? stop) => new(); }
        [Processor(OutputTopic = "as-of"), Join(AsOf = "00:01:00")] public partial class Latest { public Joined Handle(Lap lap, Stop? stop) => new(); }
        """);

    [Fact]
    public Task PIPE019_an_input_buffer_of_several_inputs_times_rows_only_if_every_input_has_timestamps_and_takes_no_hooks() => AnalyzerTest.VerifyAsync(JoinTopics + """
        [Processor(OutputTopic = "a"), Buffer(Reorder = {|PIPE019:"00:00:01"|})] public partial class UntimedMerge { public void Handle(Lap lap) { } public void Handle(Untimed row) { } }
        [Processor(OutputTopic = "b"), Buffer(MaxRows = 10, Filter = {|PIPE019:nameof(Keep)|})] public partial class Hooked { public void Handle(Lap lap) { } public void Handle(Stop stop) { } public bool Keep(Lap lap) => true; }
        [Processor(OutputTopic = "c"), Buffer(Reorder = "00:00:01")] public partial class Reordered { public void Handle(Lap lap) { } public void Handle(Stop stop) { } }
        [Processor(OutputTopic = "d"), Join(Within = "00:00:01"), Buffer(Reorder = "00:00:01")] public partial class ReorderedJoin { public Joined Handle(Lap lap, Stop stop) => new(); }
        """);

    [Fact]
    public Task PIPE027_inputs_or_joined_topics_keyed_by_tags_of_other_types()
    {
        var test = new AnalyzerTest(KeyedTopics + """
            [Topic("by-car")] public partial class ByCar { [Timestamp] public long Time { get; set; } [Tag] public string CarId { get; set; } = ""; }
            [Topic("by-car-and-lap")] public partial class ByCarAndLap { [Timestamp] public long Time { get; set; } [Tag] public string Car { get; set; } = ""; [Tag] public int Lap { get; set; } }
            [Processor] public partial class Merge { public Out Handle(CarTelemetry row) => new(); public Out Handle(ByCar {|#0:row|}) => new(); }
            [Processor(OutputTopic = "joined"), Join(Within = "00:00:01")] public partial class Joiner { public Out Handle(ByCar left, ByCarAndLap? {|#1:right|}) => new(); }
            [Processor(OutputTopic = "alike"), Join(Within = "00:00:01")] public partial class Alike { public Out Handle(ByCarAndLap left, TimedCarTelemetry right) => new(); }
            [Topic("timed")] public partial class TimedCarTelemetry { [Timestamp] public long Time { get; set; } [Tag] public string CarId { get; set; } = ""; [Tag] public int Lap { get; set; } }
            """);
        test.ExpectedDiagnostics.AddRange(
        [
            new DiagnosticResult(DiagnosticDescriptors.InputKeyMismatch).WithLocation(0).WithArguments("Merge", "CarTelemetry", "string, int", "ByCar", "string"),
            new DiagnosticResult(DiagnosticDescriptors.InputKeyMismatch).WithLocation(1).WithArguments("Joiner", "ByCar", "string", "ByCarAndLap", "string, int"),
        ]);
        return test.RunAsync();
    }

    [Fact]
    public Task PIPE007_a_processor_that_writes_one_of_its_inputs() => AnalyzerTest.VerifyAsync(Topics + """
        [Topic("in2")] public partial class In2 { [Parameter] public int C { get; set; } }
        [Processor] public partial class P { public In2 Handle(In row) => new(); public In2 {|PIPE007:Handle|}(In2 row) => new(); }
        """);

    [Fact]
    public Task PIPE006_handler_input_not_a_topic() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P { public Out {|PIPE006:Handle|}(string row) => new(); }
        """);

    [Fact]
    public Task PIPE020_not_reported_for_state_in_a_handler_of_batches() => AnalyzerTest.VerifyAsync(Topics + """
        [MessageContract] public partial struct S { [Parameter] public int N { get; set; } }
        [Processor] public partial class P { public Out Handle(IReadOnlyList<In> rows, State<S> state) => new(); }
        """);

    [Fact]
    public Task PIPE020_state_that_is_not_a_contract() => AnalyzerTest.VerifyAsync(Topics + """
        public class Plain { }
        [Processor] public partial class P { public Out Handle(In row, State<Plain> {|PIPE020:state|}) => new(); }
        """);

    [Fact]
    public Task PIPE020_not_reported_for_a_contract() => AnalyzerTest.VerifyAsync(Topics + """
        [MessageContract] public partial record struct S { [Parameter] public int N { get; init; } }
        [Processor] public partial class P { public Out Handle(In row, State<S> state) => new(); }
        """);

    [Fact]
    public Task PIPE024_a_table_of_a_type_that_is_not_a_topic_contract() => AnalyzerTest.VerifyAsync(Topics + """
        [MessageContract] public partial struct S { [Parameter] public int N { get; set; } }
        [Processor] public partial class P { public Out Handle(In row, GlobalTable<S> {|PIPE024:setups|}) => new(); }
        """);

    [Fact]
    public Task PIPE024_not_reported_for_tables_of_topic_contracts_beside_state_and_context() => AnalyzerTest.VerifyAsync(Topics + """
        [MessageContract] public partial struct S { [Parameter] public int N { get; set; } }
        [Processor] public partial class P { public Out Handle(In row, State<S> state, GlobalTable<Out> outs, GlobalTable<In> ins, StreamContext context) => new(); }
        """);

    [Fact]
    public Task PIPE024_a_partitioned_table_of_a_type_that_is_not_a_topic_contract() => AnalyzerTest.VerifyAsync(Topics + """
        [MessageContract] public partial struct S { [Parameter] public int N { get; set; } }
        [Processor] public partial class P { public Out Handle(In row, Table<S> {|PIPE024:setups|}) => new(); }
        """);

    private const string KeyedTopics = """
        [Topic("car-telemetry")] public partial class CarTelemetry { [Tag] public string CarId { get; set; } = ""; [Tag] public int Lap { get; set; } [Parameter] public double Speed { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }

        """;

    [Fact]
    public Task PIPE025_a_partitioned_table_keyed_by_other_tag_types_than_the_input()
    {
        var test = new AnalyzerTest(KeyedTopics + """
            [Topic("by-car")] public partial class ByCar { [Tag] public string CarId { get; set; } = ""; [Parameter] public int Wing { get; set; } }
            [Topic("untagged")] public partial class Untagged { [Parameter] public int Wing { get; set; } }
            [Topic("swapped")] public partial class Swapped { [Tag] public int Lap { get; set; } [Tag] public string CarId { get; set; } = ""; }
            [Processor] public partial class P { public Out Handle(CarTelemetry row, Table<ByCar> {|#0:byCar|}, Table<Untagged> {|#1:untagged|}, Table<Swapped> {|#2:swapped|}) => new(); }
            """);
        test.ExpectedDiagnostics.AddRange(
        [
            new DiagnosticResult(DiagnosticDescriptors.TableKeyMismatch).WithLocation(0).WithArguments("P", "ByCar", "CarTelemetry", "string", "string, int"),
            new DiagnosticResult(DiagnosticDescriptors.TableKeyMismatch).WithLocation(1).WithArguments("P", "Untagged", "CarTelemetry", "no tags", "string, int"),
            new DiagnosticResult(DiagnosticDescriptors.TableKeyMismatch).WithLocation(2).WithArguments("P", "Swapped", "CarTelemetry", "int, string", "string, int"),
        ]);
        return test.RunAsync();
    }

    // Names may differ (the key is the tags' values); a global table is looked up by any key, so it is not checked.
    [Fact]
    public Task PIPE025_not_reported_for_tags_of_the_same_types_in_order_or_for_a_global_table() => AnalyzerTest.VerifyAsync(KeyedTopics + """
        [Topic("setups")] public partial class Setup { [Tag] public string Car { get; set; } = ""; [Parameter] public int Wing { get; set; } [Tag] public int LapNumber { get; set; } }
        [Topic("by-car")] public partial class ByCar { [Tag] public string CarId { get; set; } = ""; }
        [Processor] public partial class P { public Out Handle(CarTelemetry row, Table<Setup> setups, GlobalTable<ByCar> byCar) => new(); }
        """);

    [Fact]
    public Task PIPE006_a_table_after_the_context_is_not_a_handler_shape() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P { public Out {|PIPE006:Handle|}(In row, StreamContext context, GlobalTable<In> ins) => new(); }
        """);

    [Fact]
    public Task PIPE006_handler_with_an_extra_parameter() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P { public Out {|PIPE006:Handle|}(In row, int extra) => new(); }
        """);

    [Fact]
    public Task PIPE006_a_parameter_of_a_users_own_type_named_like_the_runtimes_is_not_taken_for_it() => AnalyzerTest.VerifyAsync(Topics + """
        namespace Pipelines { public sealed class StreamContext { } }
        [Processor] public partial class P { public Out {|PIPE006:Handle|}(In row, Pipelines.StreamContext context) => new(); }
        """);

    [Fact]
    public Task PIPE006_handler_output_not_a_topic() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P { public int {|PIPE006:Handle|}(In row) => 1; }
        """);

    [Fact]
    public Task PIPE002_invalid_topic_override_on_a_processor() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor(InputTopic = {|PIPE002:"not valid"|}, OutputTopic = {|PIPE002:"out/2"|})] public partial class P { public Out Handle(In row) => new(); }
        """);

    [Fact]
    public Task PIPE007_processor_reading_its_own_output() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class Echo { public In {|PIPE007:Handle|}(In row) => row; }
        [Processor(OutputTopic = "in")] public partial class Loop { public Out {|PIPE007:Handle|}(In row) => new(); }
        [Processor(InputTopic = "out")] public partial class Overridden { public Out {|PIPE007:Handle|}(Out row) => row; }
        [Processor(OutputTopic = "in-2")] public partial class Copy { public In Handle(In row) => row; }
        """);

    [Theory]
    [InlineData("MaxBatchSize = {|PIPE008:0|}")]
    [InlineData("MaxBatchSize = {|PIPE008:-5|}")]
    [InlineData("CommitEvery = {|PIPE008:0|}")]
    [InlineData("MaxRetries = {|PIPE008:-1|}")]
    [InlineData("CommitInterval = {|PIPE008:\"00:00:00\"|}")]
    [InlineData("CommitInterval = {|PIPE008:\"-00:00:01\"|}")]
    [InlineData("CommitInterval = {|PIPE008:\"five seconds\"|}")]
    [InlineData("RetryBackoff = {|PIPE008:\"-00:00:00.100\"|}")]
    [InlineData("OnFailure = {|PIPE008:(Pipelines.Processing.FailurePolicy)7|}")]
    [InlineData("GroupId = {|PIPE008:\" \"|}")]
    [InlineData("Compression = {|PIPE008:(Compression)9|}")]
    [InlineData("MaxMessageBytes = {|PIPE008:100|}")]
    [InlineData("SplitTimeout = {|PIPE008:\"00:00:00\"|}")]
    [InlineData("StreamIdleTimeout = {|PIPE008:\"later\"|}")]
    public Task PIPE008_setting_out_of_range(string setting) => AnalyzerTest.VerifyAsync(Topics + $$"""
        [Processor({{setting}})] public partial class P { public Out Handle(In row) => new(); }
        """);

    [Fact]
    public Task PIPE008_not_reported_for_settings_in_range() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor(MaxBatchSize = 1, CommitEvery = 1, MaxRetries = 0, CommitInterval = "00:00:00.001", RetryBackoff = "00:00:00",
                   OnFailure = Pipelines.Processing.FailurePolicy.Stop, LowLatency = true, GroupId = "g", Compression = Compression.Zstd,
                   MaxMessageBytes = 4096, SplitTimeout = "00:00:01", StreamIdleTimeout = "00:05:00")]
        public partial class P { public Out Handle(In row) => new(); }
        """);

    [Fact]
    public Task PIPE009_two_processors_in_one_group() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor(GroupId = "shared")] public partial class {|PIPE009:First|} { public Out Handle(In row) => new(); }
        [Processor(GroupId = "shared")] public partial class {|PIPE009:Second|} { public void Handle(Out row) { } }
        [Processor] public partial class {|PIPE009:Third|} { public void Handle(Out row) { } }
        [Processor] public partial class Fifth { public void Handle(Out row) { } }
        [Processor(GroupId = "third")] public partial class {|PIPE009:Fourth|} { public void Handle(Out row) { } }
        """);

    [Fact]
    public Task A_processor_whose_contract_has_errors_adds_no_diagnostic_of_its_own() => AnalyzerTest.VerifyAsync("""
        [Topic({|PIPE002:"in put"|})] public partial class In { [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }
        [Processor] public partial class P { public Out Handle(In row) => new(); }
        """);

    private const string TimedTopics = """
        [Topic("in")] public partial class In { [Timestamp] public long Time { get; set; } [Parameter] public int A { get; set; } }
        [Topic("out")] public partial class Out { [Parameter] public int B { get; set; } }

        """;

    [Theory]
    [InlineData("MaxRows = {|PIPE008:0|}")]
    [InlineData("MaxBytes = {|PIPE008:-1|}")]
    [InlineData("DataSpan = {|PIPE008:\"00:00:00\"|}")]
    [InlineData("MaxRows = 10, Reorder = {|PIPE008:\"soon\"|}")]
    [InlineData("Timeout = {|PIPE008:\"00:00:01\"|}")]
    public Task PIPE008_buffer_setting_out_of_range(string setting) => AnalyzerTest.VerifyAsync(TimedTopics + $$"""
        [Processor, Buffer({{setting}})] public partial class P { public Out Handle(IReadOnlyList<In> rows) => new(); }
        """);

    [Fact]
    public Task Valid_buffers_have_no_diagnostics() => AnalyzerTest.VerifyAsync(TimedTopics + """
        [Processor, Buffer(MaxRows = 1, MaxBytes = 1, DataSpan = "00:00:01", Timeout = "00:00:00.100", Reorder = "00:00:00.010", Filter = nameof(Keep), FlushWhen = nameof(Full))]
        public partial class P
        {
            private bool Keep(in In row) => true;
            private static bool Full(IReadOnlyList<In> rows) => rows.Count > 5;
            public Out Handle(IReadOnlyList<In> rows) => new();
        }

        [Processor, Buffer(Timeout = "00:00:01", FlushWhen = nameof(Full))]
        public partial class Q
        {
            private bool Full(IReadOnlyList<In> rows) => true;
            public void Handle(In row) { }
        }

        [Topic("packed"), Buffer(MaxRows = 100, Timeout = "00:00:00.250")]
        public partial class Packed { [Parameter] public int C { get; set; } }
        """);

    [Theory]
    [InlineData("Filter = {|PIPE018:\"Missing\"|}", "")]
    [InlineData("Filter = {|PIPE018:nameof(Keep)|}", "bool Keep(Out row) => true;")]
    [InlineData("Filter = {|PIPE018:nameof(Keep)|}", "int Keep(In row) => 1;")]
    [InlineData("Filter = {|PIPE018:nameof(Keep)|}", "bool Keep(In row, int extra) => true;")]
    [InlineData("FlushWhen = {|PIPE018:nameof(Full)|}", "bool Full(In row) => true;")]
    [InlineData("FlushWhen = {|PIPE018:nameof(Full)|}", "bool Full(List<In> rows) => true;")]
    public Task PIPE018_hook_missing_or_wrong_signature(string setting, string method) => AnalyzerTest.VerifyAsync(TimedTopics + $$"""
        [Processor, Buffer({{setting}})] public partial class P { {{method}} public Out Handle(IReadOnlyList<In> rows) => new(); }
        """);

    [Fact]
    public Task PIPE019_time_rules_without_a_timestamp() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor, Buffer(DataSpan = {|PIPE019:"00:00:01"|}, Reorder = {|PIPE019:"00:00:01"|})]
        public partial class P { public Out Handle(IReadOnlyList<In> rows) => new(); }
        """);

    [Fact]
    public Task Event_handlers_and_stream_hooks_have_no_diagnostics() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P
        {
            public Out? Handle(In row) => null;
            public IEnumerable<Out> Handle(StreamEvent streamEvent, Pipelines.StreamContext context, CancellationToken ct) => [];
            public void OnStreamOpened(StreamInfo stream) { }
            public Task<Out> OnStreamClosed(StreamInfo stream, StreamEnd end) => Task.FromResult(new Out());
        }

        [Processor(InputTopic = "in")] public partial class EventsOnly { public Out Handle(StreamEvent streamEvent) => new(); }
        """);

    [Fact]
    public Task PIPE006_events_only_without_a_topic() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P { public void {|PIPE006:Handle|}(StreamEvent streamEvent) { } }
        """);

    [Fact]
    public Task PIPE006_two_event_handlers() => AnalyzerTest.VerifyAsync(Topics + """
        [Processor] public partial class P
        {
            public void Handle(In row) { }
            public void Handle(StreamEvent streamEvent) { }
            public void {|PIPE006:Handle|}(StreamEvent streamEvent, CancellationToken ct) { }
        }
        """);

    [Theory]
    [InlineData("public void {|PIPE006:OnStreamClosed|}(StreamInfo stream) { }")]
    [InlineData("public void {|PIPE006:OnStreamOpened|}(StreamInfo stream, int extra) { }")]
    [InlineData("public In {|PIPE006:OnStreamOpened|}(StreamInfo stream) => new();")]
    [InlineData("public int {|PIPE006:OnStreamOpened|}(StreamInfo stream) => 1;")]
    public Task PIPE006_stream_hook_with_a_wrong_shape(string hook) => AnalyzerTest.VerifyAsync(Topics + $$"""
        [Processor] public partial class P { public Out Handle(In row) => new(); {{hook}} }
        """);
}
