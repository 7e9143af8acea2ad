using Pipelines.Analyzers.Tests.Infrastructure;

namespace Pipelines.Analyzers.Tests;

/// <summary>PIPE029 and the other diagnostics a <c>[Sink]</c> class can have, at their exact spans, beside the declarations that are fine.</summary>
/// <remarks>
/// Only the generator, which does not run here, makes a contract an <c>IMessageContract&lt;T&gt;</c>: a class implementing
/// <c>ISink&lt;Total&gt;</c> has the compiler's CS0311 in these snippets and none in a real build.
/// </remarks>
public class SinkDiagnosticTests
{
    private const string Contracts = """
        [Topic("insights")] public partial class Insight { [Tag] public string Car { get; set; } = ""; [Parameter] public double Speed { get; set; } }
        [Topic("totals")] public partial class Total { [Parameter] public double Sum { get; set; } }
        [MessageContract] public partial class Untopical { [Parameter] public int A { get; set; } }

        """;

    [Fact]
    public Task Every_valid_sink_shape_has_no_diagnostics() => AnalyzerTest.VerifyAsync(Contracts + """
        [Sink<Insight>(Pipelines.Sinks.SinkTarget.Sqlite, Table = "insights", ConnectionString = "Data Source=insights.db")] public partial class A1;
        [Sink<Insight>(Pipelines.Sinks.SinkTarget.Postgres, Table = "insights", Write = Pipelines.Sinks.TableWrite.Upsert, CreateTable = false, GroupId = "archive")] public partial class A2;
        [Sink<Total>(Pipelines.Sinks.SinkTarget.Parquet, Directory = "archive")] public partial class A3;
        [Sink<Total>] public partial class {|CS0311:Own|} : Pipelines.Sinks.ISink<Total>
        {
            public Task<IReadOnlyDictionary<Confluent.Kafka.TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<Confluent.Kafka.TopicPartition> p, string? identity, CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<Confluent.Kafka.TopicPartition, long>>(new Dictionary<Confluent.Kafka.TopicPartition, long>());
            public Task WriteAsync(Pipelines.Sinks.SinkBatch<Total> batch, CancellationToken ct) => Task.CompletedTask;
        }
        """);

    [Fact]
    public Task PIPE029_a_table_target_without_a_table_or_with_a_directory() => AnalyzerTest.VerifyAsync(Contracts + """
        [Sink<Insight>({|PIPE029:Pipelines.Sinks.SinkTarget.Sqlite|}, ConnectionString = "Data Source=x.db")] public partial class NoTable;
        [Sink<Insight>({|PIPE029:Pipelines.Sinks.SinkTarget.Postgres|}, Table = " ")] public partial class BlankTable;
        [Sink<Insight>(Pipelines.Sinks.SinkTarget.Sqlite, Table = "t", Directory = {|PIPE029:"files"|})] public partial class Directed;
        """);

    [Fact]
    public Task PIPE029_parquet_without_a_directory_or_with_table_settings() => AnalyzerTest.VerifyAsync(Contracts + """
        [Sink<Total>({|PIPE029:Pipelines.Sinks.SinkTarget.Parquet|})] public partial class NoDirectory;
        [Sink<Total>(Pipelines.Sinks.SinkTarget.Parquet, Directory = "d", Table = {|PIPE029:"t"|}, CreateTable = {|PIPE029:false|})] public partial class Tabled;
        """);

    [Fact]
    public Task PIPE029_upsert_of_a_contract_without_tags() => AnalyzerTest.VerifyAsync(Contracts + """
        [Sink<Total>(Pipelines.Sinks.SinkTarget.Postgres, Table = "totals", Write = {|PIPE029:Pipelines.Sinks.TableWrite.Upsert|})] public partial class Keyless;
        """);

    [Fact]
    public Task PIPE029_no_target_and_not_a_sink_or_both() => AnalyzerTest.VerifyAsync(Contracts + """
        [{|PIPE029:Sink<Total>(Table = {|PIPE029:"t"|})|}] public partial class Neither;
        [Sink<Total>({|PIPE029:Pipelines.Sinks.SinkTarget.Sqlite|}, Table = "t")] public partial class {|CS0311:Set|} : Pipelines.Sinks.ISink<Total>
        {
            public Task<IReadOnlyDictionary<Confluent.Kafka.TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<Confluent.Kafka.TopicPartition> p, string? identity, CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<Confluent.Kafka.TopicPartition, long>>(new Dictionary<Confluent.Kafka.TopicPartition, long>());
            public Task WriteAsync(Pipelines.Sinks.SinkBatch<Total> batch, CancellationToken ct) => Task.CompletedTask;
        }
        """);

    [Fact]
    public Task PIPE029_a_contract_without_a_topic_or_a_class_that_is_also_a_processor() => AnalyzerTest.VerifyAsync(Contracts + """
        [{|PIPE029:Sink<Untopical>(Pipelines.Sinks.SinkTarget.Sqlite, Table = "t")|}] public partial class Unread;
        [Processor, Sink<Total>(Pipelines.Sinks.SinkTarget.Sqlite, Table = "t")] public partial class {|PIPE029:Both|} { public void Handle(Insight row) { } }
        """);

    [Fact]
    public Task PIPE001_a_sink_class_that_is_not_partial() => AnalyzerTest.VerifyAsync(Contracts + """
        [Sink<Total>(Pipelines.Sinks.SinkTarget.Parquet, Directory = "d")] public class {|PIPE001:Archive|};
        """);

    [Fact]
    public Task A_sink_reads_its_topic_for_the_topology_and_shares_no_group() => AnalyzerTest.VerifyAsync("""
        [Topic("raw", External = true)] public partial class Raw { [Parameter] public int A { get; set; } }
        [Topic("clean")] public partial class Clean { [Parameter] public int A { get; set; } }
        [Processor] public partial class {|PIPE009:Cleaner|} { public Clean Handle(Raw row) => new(); }
        [Sink<Clean>(Pipelines.Sinks.SinkTarget.Parquet, Directory = "d", GroupId = "cleaner")] public partial class {|PIPE009:CleanArchive|};
        """, topology: true);
}
