using System.Reflection;
using System.Text.RegularExpressions;
using Pipelines.Hosting;
using Pipelines.Processing;
using Pipelines.Tests.Serialization;

namespace Pipelines.Tests.Hosting;

/// <summary>
/// A processor setting is named in four places: <see cref="ProcessorOptions"/>, the configuration reader, the
/// <c>[Processor]</c> attribute and README's configuration table. This keeps them from drifting apart.
/// </summary>
public class SettingsAgreementTests
{
    // What identifies a processor rather than tunes it: set by code and by hosting, never configured per processor.
    private static readonly string[] Identity = ["Name", "InputTopic", "InputTopics", "OutputTopic", "BootstrapServers", "ConsumerKafka"];

    // Objects, not settings: set by code (a fake clock in tests), never by configuration or attribute.
    private static readonly string[] CodeOnly = ["TimeProvider", "ConfigureRocksDb", "SchemaRegistry", "SubjectNameStrategy"];

    // Configurable, but not on [Processor]: buffers have [Buffer], librdkafka settings are not constants, and where
    // dead letters go and how much memory a split message may take are an operator's decisions, not the code's.
    // Where state lives on disk, and the memory its stores take, are the machine's business too.
    private static readonly string[] ConfigurationOnly = ["InputBuffer", "OutputBuffer", "Kafka", "MaxSplitMessageBytes", "DeadLetterTopic", "StateDirectory", "StateStore", "StateMemoryBytes"];

    private static readonly string[] Options = typeof(ProcessorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is not null)
        .Select(p => p.Name)
        .Except(Identity)
        .Except(CodeOnly)
        .Order()
        .ToArray();

    [Fact]
    public void Every_option_is_read_from_configuration_and_nothing_else_is()
    {
        Assert.Equal(Options, PipelinesSettings.KnownPerProcessor.Order());
    }

    [Fact]
    public void Every_option_is_a_row_of_READMEs_configuration_table()
    {
        var readme = File.ReadAllText(Path.Combine(WireFormatTests.RepositoryRoot(), "README.md"));
        var rows = Regex.Matches(readme, @"^\| `Pipelines:Processors:<Name>:(\w+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order();

        Assert.Equal(Options, rows);
    }

    [Fact]
    public void The_attribute_sets_every_option_but_the_configuration_only_ones_and_names_the_topics()
    {
        var attribute = typeof(ProcessorAttribute).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.SetMethod is not null)
            .Select(p => p.Name)
            .Order();

        Assert.Equal(Options.Except(ConfigurationOnly).Concat(["InputTopic", "OutputTopic"]).Order(), attribute);
    }
}
