using Pipelines.Testing;
using Pipelines.Analyzers.Tests.Infrastructure;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Pipelines.Analyzers.Tests;

/// <summary>Every diagnostic is reported by an analyzer, documented on its own page, tracked for release and listed in the README.</summary>
public class DescriptorTests
{
    public static TheoryData<string> Ids => [.. Descriptors().Select(d => d.Id)];

    [Fact]
    public void Ids_are_unique_and_every_one_is_reported_by_an_analyzer()
    {
        var descriptors = Descriptors();
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());

        var supported = Infrastructure.AnalyzerTest.All.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.All(descriptors, d => Assert.Contains(d.Id, supported));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_id_has_a_help_page_a_release_line_and_a_readme_row(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        var page = Path.Combine(Repository.Root, "analyzers", "docs", id + ".md");

        Assert.True(File.Exists(page), $"{page} is missing");
        Assert.StartsWith($"# {id}: {descriptor.Title}", File.ReadAllText(page), StringComparison.Ordinal);
        Assert.EndsWith("/analyzers/docs/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);

        var release = File.ReadAllText(Path.Combine(Repository.Root, "analyzers", "Pipelines.Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Matches(new Regex($@"^{id} \| {descriptor.Category} \| {descriptor.DefaultSeverity} \| {Regex.Escape(descriptor.Title.ToString())}$", RegexOptions.Multiline), release);

        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        Assert.Contains($"| [{id}](analyzers/docs/{id}.md) | {descriptor.DefaultSeverity.ToString().ToLowerInvariant()} |", readme);
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.DefaultSeverity} | {descriptor.Title} |", File.ReadAllText(Path.Combine(Repository.Root, "analyzers", "docs", "README.md")));
    }

    private static List<DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
}
