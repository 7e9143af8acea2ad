using Pipelines.Analyzers.Tests.Infrastructure;

namespace Pipelines.Analyzers.Tests;

/// <summary>Each contract diagnostic at its exact span (the <c>{|ID:...|}</c> markup), and its absence on the corrected code.</summary>
public class ContractDiagnosticTests
{
    [Fact]
    public Task A_valid_contract_has_no_diagnostics() => AnalyzerTest.VerifyAsync("""
        [Topic("car-telemetry")] public partial class Row
        {
            [Timestamp] public long Time { get; set; }
            [Tag] public string CarId { get; set; } = "";
            [Parameter] public double? Speed { get; set; }
            [Parameter] public List<int>? Gears { get; init; }
        }
        [MessageContract] public partial record Lap(int Number, double Seconds) { [Parameter] public int Number { get; } = Number; [Parameter] public double Seconds { get; } = Seconds; }
        """);

    [Fact]
    public Task PIPE001_contract_not_partial() => AnalyzerTest.VerifyAsync("""
        [Topic("t")] public class {|PIPE001:Row|} { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE001_containing_type_not_partial() => AnalyzerTest.VerifyAsync("""
        public class Outer { [MessageContract] public partial class {|PIPE001:Row|} { [Parameter] public int A { get; set; } } }
        """);

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("ümlaut")]
    public Task PIPE002_invalid_topic_name(string topic) => AnalyzerTest.VerifyAsync($$"""
        [Topic({|PIPE002:"{{topic}}"|})] public partial class Row { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE002_topic_name_too_long() => AnalyzerTest.VerifyAsync($$"""
        [Topic(name: {|PIPE002:"{{new string('a', 250)}}"|})] public partial class Row { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE002_not_reported_for_the_longest_valid_name() => AnalyzerTest.VerifyAsync($$"""
        [Topic("{{new string('a', 249)}}")] public partial class Row { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE008_undefined_compression_on_a_topic() => AnalyzerTest.VerifyAsync("""
        [Topic("t", Compression = {|PIPE008:(Compression)9|})] public partial class Row { [Parameter] public int A { get; set; } }
        [Topic("u", Compression = Compression.Gzip, External = true)] public partial class Fine { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE003_unsupported_parameter_type() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Parameter] public object {|PIPE003:Payload|} { get; set; } = new(); }
        """);

    [Fact]
    public Task PIPE003_unsupported_element_type() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Parameter] public List<Uri>? {|PIPE003:Links|} { get; set; } }
        """);

    [Fact]
    public Task PIPE003_collection_as_tag() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Tag] public int[]? {|PIPE003:Ids|} { get; set; } }
        """);

    [Fact]
    public Task PIPE004_duplicate_wire_name() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row
        {
            [Parameter("speed")] public double A { get; set; }
            [Parameter("speed")] public double {|PIPE004:B|} { get; set; }
        }
        """);

    [Fact]
    public Task PIPE004_not_reported_for_distinct_wire_names() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row
        {
            [Parameter("speed")] public double A { get; set; }
            [Parameter("Speed")] public double B { get; set; }
        }
        """);

    [Fact]
    public Task PIPE005_second_timestamp() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row
        {
            [Timestamp] public long A { get; set; }
            [Timestamp] public DateTime {|PIPE005:B|} { get; set; }
        }
        """);

    [Fact]
    public Task PIPE005_timestamp_of_unsupported_type() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Timestamp] public string {|PIPE005:When|} { get; set; } = ""; }
        """);

    [Fact]
    public Task PIPE012_get_only_member_without_constructor() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Parameter] public int {|PIPE012:A|} { get; } }
        """);

    [Fact]
    public Task PIPE012_write_only_member() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { private int a; [Parameter] public int {|PIPE012:A|} { set => a = value; } public int Read() => a; }
        """);

    [Fact]
    public Task PIPE012_static_member() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Parameter] public static int {|PIPE012:A|} { get; set; } }
        """);

    [Fact]
    public Task PIPE012_not_reported_for_a_get_only_member_bound_by_the_constructor() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row(int a) { [Parameter] public int A { get; } = a; }
        """);

    [Fact]
    public Task PIPE013_generic_type() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class {|PIPE013:Row|}<T> { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE013_abstract_type() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public abstract partial class {|PIPE013:Row|} { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE013_no_usable_constructor() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class {|PIPE013:Row|}
        {
            public Row(string unrelated) { }
            [Parameter] public int A { get; init; }
        }
        """);

    [Fact]
    public Task PIPE014_recursive_contract() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Node { [Parameter] public List<Node>? {|PIPE014:Children|} { get; set; } }
        """);

    [Fact]
    public Task PIPE014_mutually_recursive_contracts() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class A { [Parameter] public B? {|PIPE014:Next|} { get; set; } }
        [MessageContract] public partial class B { [Parameter] public A? {|PIPE014:Back|} { get; set; } }
        """);

    [Fact]
    public Task PIPE015_two_field_attributes() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Tag, Parameter] public string {|PIPE015:A|} { get; set; } = ""; }
        """);

    [Fact]
    public Task PIPE016_empty_wire_name() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Row { [Parameter(" ")] public int {|PIPE016:A|} { get; set; } }
        """);

    [Fact]
    public Task PIPE017_member_contract_has_errors() => AnalyzerTest.VerifyAsync("""
        [MessageContract] public partial class Outer { [Parameter] public Inner? {|PIPE017:Inner|} { get; set; } }
        [MessageContract] public partial class Inner { [Parameter] public object {|PIPE003:Bad|} { get; set; } = new(); }
        """);

    [Fact]
    public Task PIPE028_a_wire_name_Avro_does_not_allow_on_an_Avro_topic() => AnalyzerTest.VerifyAsync("""
        [Topic("readings", Format = {|PIPE028:TopicFormat.Avro|})]
        public partial class Reading { [Tag] public string Car { get; set; } = ""; [Parameter("speed-kmh")] public double Speed { get; set; } }
        """);

    [Fact]
    public Task PIPE028_an_enum_member_or_nested_contract_Avro_does_not_allow() => AnalyzerTest.VerifyAsync("""
        public enum Gear { Neutral, Drive }
        [MessageContract] public partial class Tyre { [Parameter("wear%")] public double Wear { get; set; } }
        [Topic("cars", Format = {|PIPE028:TopicFormat.Avro|})]
        public partial class Car { [Parameter] public Gear Gear { get; set; } [Parameter] public Tyre? Tyre { get; set; } }
        """);

    [Fact]
    public Task The_same_names_on_a_JSON_or_MessagePack_topic_are_fine() => AnalyzerTest.VerifyAsync("""
        [Topic("readings", Format = TopicFormat.Json)]
        public partial class Reading { [Tag] public string Car { get; set; } = ""; [Parameter("speed-kmh")] public double Speed { get; set; } }
        [Topic("raw")]
        public partial class Raw { [Parameter("speed-kmh")] public double Speed { get; set; } }
        """);

    [Fact]
    public Task A_type_with_both_attributes_is_reported_once() => AnalyzerTest.VerifyAsync("""
        [Topic("t"), MessageContract] public class {|PIPE001:Row|} { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task Code_without_Pipelines_attributes_is_ignored() => AnalyzerTest.VerifyAsync("""
        public class Row { public object Payload { get; } = new(); public int Handle(string s) => s.Result(); }
        static class Extensions { public static int Result(this string s) => s.Length; }
        """);

    [Fact]
    public Task PIPE019_input_only_settings_on_a_topic_buffer() => AnalyzerTest.VerifyAsync("""
        [Topic("t"), Buffer(MaxRows = 10, Reorder = {|PIPE019:"00:00:01"|}, Filter = {|PIPE019:"Keep"|}, FlushWhen = {|PIPE019:"Full"|})]
        public partial class Row { [Timestamp] public long Time { get; set; } [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE019_a_buffer_on_a_nested_contract() => AnalyzerTest.VerifyAsync("""
        [MessageContract, {|PIPE019:Buffer(MaxRows = 10)|}]
        public partial class Row { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE008_on_a_topic_buffer() => AnalyzerTest.VerifyAsync("""
        [Topic("t"), Buffer(MaxRows = {|PIPE008:0|}, Timeout = "00:00:01")]
        public partial class Row { [Parameter] public int A { get; set; } }
        """);

    [Fact]
    public Task PIPE019_a_buffer_on_a_plain_class() => AnalyzerTest.VerifyAsync("""
        [{|PIPE019:Buffer(MaxRows = 10)|}]
        public class NotAContract { }
        """);
}
