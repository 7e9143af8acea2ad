using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipelines.Hosting;
using Pipelines.Sinks;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Sinks;

/// <summary>
/// A <c>[Sink]</c> class compiled by the generator and registered by <c>AddSink&lt;TSink, T&gt;</c>: its declaration,
/// the target and settings configuration replaces, and a clear error for what neither gives.
/// </summary>
public sealed class DeclaredSinkTests
{
    [Fact]
    public void The_generated_declaration_says_what_the_attribute_does_with_the_group_in_kebab_case()
    {
        Assert.Equal(
            new SinkDescriptor("ReadingArchive", "reading-archive", SinkTarget.Sqlite, "readings", "Data Source=declared.db", null, TableWrite.Upsert),
            ReadingArchive.PipelinesSink);
        Assert.Equal(("archive-v2", (string?)null), (ConfiguredArchive.PipelinesSink.GroupId, ConfiguredArchive.PipelinesSink.ConnectionString));
        Assert.Null(CountingSink.PipelinesSink.Target);
    }

    [Fact]
    public void The_attributes_target_is_the_sink_built()
    {
        using var sink = (IDisposable)Build<ReadingArchive>([]);

        Assert.IsType<SqliteSink<SensorReading>>(sink);
    }

    [Fact]
    public void Configuration_moves_a_table_sink_to_another_target_and_database()
    {
        var postgres = Build<ReadingArchive>(new() { ["Pipelines:Sinks:ReadingArchive:Target"] = "postgres", ["Pipelines:Sinks:ReadingArchive:ConnectionString"] = "Host=db;Database=cars" });
        var directory = Path.Combine(Path.GetTempPath(), $"pipelines-declared-{Guid.NewGuid():N}");
        try
        {
            var parquet = Build<ReadingArchive>(new() { ["Pipelines:Sinks:ReadingArchive:Target"] = "Parquet", ["Pipelines:Sinks:ReadingArchive:Directory"] = directory });

            Assert.IsType<PostgresSink<SensorReading>>(postgres);
            Assert.IsType<ParquetSink<SensorReading>>(parquet);
            Assert.True(Directory.Exists(directory));
        }
        finally
        {
            (postgres as IDisposable)?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_sink_without_a_target_is_the_class_itself_built_from_the_hosts_services()
    {
        Assert.IsType<CountingSink>(Build<CountingSink>([]));
    }

    [Theory]
    [InlineData("Pipelines:Sinks:ConfiguredArchive:ConnectionString", null, "is not set, and the [Sink] on ConfiguredArchive gives no ConnectionString: a Postgres sink needs a database to write to")]
    [InlineData("Pipelines:Sinks:ConfiguredArchive:Target", "Oracle", "is 'Oracle'; it must be one of Sqlite, Postgres, Parquet")]
    [InlineData("Pipelines:Sinks:ConfiguredArchive:Directory", "Parquet", "is not set, and the [Sink] on ConfiguredArchive gives no Directory: a Parquet sink needs a directory for its files")]
    public void What_neither_the_attribute_nor_configuration_gives_is_an_error_naming_the_key(string key, string? target, string problem)
    {
        var settings = new Dictionary<string, string?>();
        if (target is not null)
        {
            settings["Pipelines:Sinks:ConfiguredArchive:Target"] = target;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);

        var error = Assert.Throws<PipelinesConfigurationException>(() => builder.Services.AddSink<ConfiguredArchive, SensorReading>(builder.Configuration));

        Assert.Equal((key, $"Configuration key '{key}' {problem}."), (error.Key, error.Message));
    }

    private static ISink<SensorReading> Build<TSink>(Dictionary<string, string?> settings)
        where TSink : class, Infrastructure.IDeclaredSink<SensorReading>
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSink<TSink, SensorReading>(builder.Configuration);
        using var host = builder.Build();
        return host.Services.GetServices<IHostedService>().OfType<SinkService<SensorReading>>().Single().CreateSink();
    }
}
