using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Pipelines.Generators.Parsing;
using Pipelines.Hosting;
using Pipelines.Generators.Tests.Infrastructure;
using Pipelines.Infrastructure;
using Pipelines.Processing;

namespace Pipelines.Generators.Tests;

/// <summary>
/// A processor or buffer setting's range is stated in five places: the compile-time check of <c>[Processor]</c> or
/// <c>[Buffer]</c> arguments (PIPE008), <see cref="ProcessorOptions.Validate"/> or <see cref="BufferOptions"/>, the
/// configuration reader, the attribute's documentation and README. These tables are the one list of ranges; each
/// place must agree with them at the boundary: the lowest valid value passes everywhere, the value just below fails everywhere, with the
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
        { "MaxInputWait", "00:00:00", "-00:00:00.001", "not negative" },
        { "StreamIdleTimeout", "00:00:00.001", "00:00:00", "positive" },
        { "StateTimeToLive", "00:00:05.001", "00:00:00", "positive" },
    };

    /// <summary>Every bounded <c>[Buffer]</c> setting, the same way.</summary>
    public static TheoryData<string, string, string, string> BufferRanges => new()
    {
        { "MaxRows", "1", "0", "1 or more" },
        { "MaxBytes", "1", "0", "1 or more" },
        { "DataSpan", "00:00:00.001", "00:00:00", "positive" },
        { "Timeout", "00:00:00.001", "00:00:00", "positive" },
        { "Reorder", "00:00:00.001", "00:00:00", "positive" },
    };

    private static readonly string Root = Path.GetFullPath(Path.Combine(ProjectDirectory(), "..", ".."));

    [Fact]
    public void Every_numeric_or_time_span_setting_of_the_attribute_has_a_range_here()
    {
        Assert.Equal(BoundedSettings(typeof(ProcessorAttribute), "GroupId", "InputTopic", "OutputTopic"), Ranges.Select(row => (string)row[0]).Order());
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
        AssertStated("ProcessorAttribute.cs", setting, $"`Pipelines:Processors:<Name>:{setting}`", words);
    }

    [Fact]
    public void Every_numeric_or_time_span_setting_of_the_buffer_attribute_has_a_range_here()
    {
        Assert.Equal(BoundedSettings(typeof(BufferAttribute), "Filter", "FlushWhen"), BufferRanges.Select(row => (string)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(BufferRanges))]
    public void Buffer_ranges_agree_everywhere(string setting, string lowest, string below, string words)
    {
        // A size rule beside the one checked, so a Timeout is never the only rule.
        var other = setting == "MaxBytes" ? ("MaxRows", "10") : ("MaxBytes", "1000");

        Assert.Empty(CheckBuffer(setting, lowest, other));
        var problem = Assert.Single(CheckBuffer(setting, below, other));
        Assert.Equal("PIPE008", problem.Id);
        Assert.Contains(words, problem.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var schema = new MessageSchema("In", "in", [FieldSchema.Of<long, Int64Codec>("Time", "Time", FieldKind.Timestamp)]);
        Buffer(setting, lowest, other).Validate("Processor 'p'", "InputBuffer", schema, hasFlushHook: false, isInput: true);
        var refused = Assert.Throws<ArgumentException>(() => Buffer(setting, below, other).Validate("Processor 'p'", "InputBuffer", schema, hasFlushHook: false, isInput: true));
        Assert.Equal("InputBuffer:" + setting, refused.ParamName);
        Assert.Contains(words, refused.Message, StringComparison.Ordinal);

        Assert.NotNull(ConfiguredBuffer(setting, lowest, other).InputBuffer);
        var misconfigured = Assert.Throws<PipelinesConfigurationException>(() => ConfiguredBuffer(setting, below, other));
        Assert.Contains(words, misconfigured.Message, StringComparison.Ordinal);

        AssertStated("BufferAttribute.cs", setting, $"`{setting}`", words);
    }

    /// <summary>The int and time-span settings of an attribute, but for <paramref name="unbounded"/>.</summary>
    private static IOrderedEnumerable<string> BoundedSettings(Type attribute, params string[] unbounded) =>
        attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => (p.PropertyType == typeof(int) || p.PropertyType == typeof(string)) && !unbounded.Contains(p.Name))
            .Select(p => p.Name)
            .Order();

    /// <summary>Asserts that the setting's documentation on its attribute and its README table row (the row starting with <paramref name="readmeName"/>) state the range in <paramref name="words"/>.</summary>
    private static void AssertStated(string attributeFile, string setting, string readmeName, string words)
    {
        var attribute = File.ReadAllText(Path.Combine(Root, "src", "Pipelines", "Contracts", attributeFile));
        var summary = Regex.Match(attribute, $@"/// <summary>(?<text>(?:(?!</summary>).)*)</summary>\s*public \S+ {setting} \{{", RegexOptions.Singleline).Groups["text"].Value;
        Assert.Contains(words, summary, StringComparison.Ordinal);

        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var row = Regex.Match(readme, $@"^\| {Regex.Escape(readmeName)}[^\n]*", RegexOptions.Multiline).Value;
        Assert.Contains(words, row, StringComparison.Ordinal);
    }

    private static IReadOnlyList<Diagnostic> CheckBuffer(string setting, string value, (string Name, string Value) other)
    {
        var source = $$"""
            using Pipelines;
            [Topic("in")] public partial class In { [Timestamp] public long Time { get; set; } }
            [Processor, Buffer({{setting}} = {{Literal(value)}}, {{other.Name}} = {{other.Value}})] public partial class P { public void Handle(In row) { } }
            """;
        var compilation = TestCompilation.Create(source);
        var diagnostics = new List<Diagnostic>();
        BufferParser.Parse(compilation.GetTypeByMetadataName("P")!, compilation.GetTypeByMetadataName("In")!, isInput: true, KnownTypes.For(compilation), diagnostics, CancellationToken.None);
        return diagnostics;
    }

    private static BufferOptions Buffer(string setting, string value, (string Name, string Value) other)
    {
        var buffer = new BufferOptions();
        Set(buffer, other.Name, other.Value);
        Set(buffer, setting, value);
        return buffer;
    }

    private static ProcessorOptions ConfiguredBuffer(string setting, string value, (string Name, string Value) other)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"Pipelines:Processors:p:InputBuffer:{setting}"] = value,
                [$"Pipelines:Processors:p:InputBuffer:{other.Name}"] = other.Value,
            })
            .Build();
        return PipelinesSettings.Read(configuration).OptionsFor(Defaults());
    }

    private static string Literal(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? value : $"\"{value}\"";

    private static IReadOnlyList<Diagnostic> Check(string setting, string value)
    {
        var argument = Literal(value);
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
        Set(options, setting, value);
        return options;
    }

    private static void Set(object options, string setting, string value)
    {
        var property = options.GetType().GetProperty(setting)!;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        property.SetValue(options, type == typeof(TimeSpan)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : Convert.ChangeType(value, type, CultureInfo.InvariantCulture));
    }

    private static string ProjectDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
