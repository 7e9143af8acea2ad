using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Pipelines.Generators.Parsing;
using Pipelines.Hosting;
using Pipelines.Generators.Tests.Infrastructure;
using Pipelines.Processing;

namespace Pipelines.Generators.Tests;

/// <summary>
/// A processor setting's range is stated in five places: the compile-time check of <c>[Processor]</c> arguments
/// (PIPE008), <see cref="ProcessorOptions.Validate"/>, the configuration reader, the attribute's documentation and
/// README's configuration table. This table is the one list of ranges; each place must agree with
/// it at the boundary: the lowest valid value passes everywhere, the value just below fails everywhere, with the
/// same words.
/// </summary>
public partial class SettingRangesTests
{
    /// <summary>Every bounded setting: the lowest valid value, the value just below it, and how the range is worded.</summary>
    public static TheoryData<string, string, string, string> Ranges => new()
    {
        { "MaxRetries", "0", "-1", "0 or more" },
        { "CommitEvery", "1", "0", "1 or more" },
        { "MaxBatchSize", "1", "0", "1 or more" },
        { "MaxMessageBytes", "4096", "4095", "4096 or more" },
        { "RetryBackoff", "00:00:00", "-00:00:00.001", "not negative" },
        { "CommitInterval", "00:00:00.001", "00:00:00", "positive" },
        { "SplitTimeout", "00:00:00.001", "00:00:00", "positive" },
        { "StreamIdleTimeout", "00:00:00.001", "00:00:00", "positive" },
    };

    private static readonly string Root = Path.GetFullPath(Path.Combine(ProjectDirectory(), "..", ".."));

    [Fact]
    public void Every_numeric_or_time_span_setting_of_the_attribute_has_a_range_here()
    {
        var listed = Ranges.Select(row => (string)row[0]).Order();
        var settings = typeof(ProcessorAttribute).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.PropertyType == typeof(int) || (p.PropertyType == typeof(string) && p.Name is not ("GroupId" or "InputTopic" or "OutputTopic")))
            .Select(p => p.Name)
            .Order();

        Assert.Equal(settings, listed);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void The_compile_time_check_agrees(string setting, string lowest, string below, string words)
    {
        Assert.Empty(Check(setting, lowest));
        var problem = Assert.Single(Check(setting, below));
        Assert.Equal("PIPE008", problem.Id);
        Assert.Contains(words, problem.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void The_runtime_check_agrees(string setting, string lowest, string below, string words)
    {
        Options(setting, lowest).Validate();
        var refused = Assert.Throws<ArgumentException>(() => Options(setting, below).Validate());
        Assert.Equal(setting, refused.ParamName);
        Assert.Contains(words, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void The_configuration_reader_agrees(string setting, string lowest, string below, string words)
    {
        Configured(setting, lowest).Validate();
        var refused = Assert.Throws<PipelinesConfigurationException>(() => Configured(setting, below));
        Assert.Contains($"Pipelines:Processors:p:{setting}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(words, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void The_attribute_documentation_and_the_readme_state_the_range(string setting, string lowest, string below, string words)
    {
        _ = (lowest, below);
        var attribute = File.ReadAllText(Path.Combine(Root, "src", "Pipelines", "Contracts", "ProcessorAttribute.cs"));
        var summary = Regex.Match(attribute, $@"/// <summary>(?<text>[^\n]*)</summary>\s*public \S+ {setting} \{{").Groups["text"].Value;
        Assert.Contains(words, summary, StringComparison.Ordinal);

        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var row = Regex.Match(readme, $@"^\| `Pipelines:Processors:<Name>:{setting}` \|[^\n]*", RegexOptions.Multiline).Value;
        Assert.Contains(words, row, StringComparison.Ordinal);
    }

    private static IReadOnlyList<Diagnostic> Check(string setting, string value)
    {
        var argument = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? value : $"\"{value}\"";
        var source = $$"""
            using Pipelines;
            [Topic("in")] public partial class In { [Parameter] public int A { get; set; } }
            [Processor({{setting}} = {{argument}})] public partial class P { public void Handle(In row) { } }
            """;
        var compilation = TestCompilation.Create(source);
        var type = compilation.GetTypeByMetadataName("P")!;
        var attribute = type.GetAttributes().Single(a => a.AttributeClass!.Name == "ProcessorAttribute");
        var diagnostics = new List<Diagnostic>();
        ProcessorSettingsParser.Parse(type, attribute, diagnostics, CancellationToken.None);
        return diagnostics;
    }

    private static ProcessorOptions Defaults() => new() { Name = "p", GroupId = "p", InputTopic = "in", BootstrapServers = "localhost:9092" };

    private static ProcessorOptions Configured(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Pipelines:Processors:p:{setting}"] = value })
            .Build();
        return PipelinesSettings.Read(configuration).OptionsFor(Defaults());
    }

    private static ProcessorOptions Options(string setting, string value)
    {
        var options = Defaults();
        var property = typeof(ProcessorOptions).GetProperty(setting)!;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        property.SetValue(options, type == typeof(TimeSpan)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : Convert.ChangeType(value, type, CultureInfo.InvariantCulture));
        return options;
    }

    private static string ProjectDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
