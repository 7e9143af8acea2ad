using Pipelines.FrontDoor.Tests.Infrastructure;
using Pipelines.Testing;

namespace Pipelines.FrontDoor.Tests;

/// <summary>
/// Every C# block of README.md and docs/ compiles, as written, against the packed package in a fresh project (one
/// project per document; warnings are errors), so the docs cannot drift from the API again. The project has the
/// package and only what the document tells a user to add (<c>dotnet add package X</c> in its text), so a block that
/// needs a package the text does not name fails.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class DocsTests(PackedFeed feed)
{
    public static TheoryData<string> Documents()
    {
        var documents = new TheoryData<string>();
        foreach (var path in new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Select(p => Path.GetRelativePath(Repository.Root, p)).Order(StringComparer.Ordinal)))
        {
            if (File.ReadAllText(Path.Combine(Repository.Root, path)).Contains("```csharp", StringComparison.Ordinal))
            {
                documents.Add(path.Replace('\\', '/'));
            }
        }

        return documents;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Every_csharp_block_compiles_against_the_package(string document)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, document));
        var blocks = DocBlocks.Of(document, text);
        var added = System.Text.RegularExpressions.Regex.Matches(text, @"dotnet add package ([A-Za-z0-9.]+)").Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.All(added, package => Assert.True(feed.Versions.ContainsKey(package), $"{document} tells users to add {package}, which Directory.Packages.props does not pin"));
        var references = string.Concat(added.Select(package => $"""

                <PackageReference Include="{package}" Version="{feed.Versions[package]}" />
            """));
        var project = feed.NewDirectory("Docs_" + document.Replace('/', '_').Replace('.', '_'));
        File.WriteAllText(Path.Combine(project, "Docs.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <!-- Blocks declare; statements come in fragments (DocBlocks), so the document is a library. -->
                <OutputType>Library</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Pipelines" Version="{feed.Version}" />{references}
              </ItemGroup>
            </Project>
            """);
        foreach (var (fileName, source) in blocks)
        {
            File.WriteAllText(Path.Combine(project, fileName), source);
        }

        Assert.NotEmpty(blocks);
        await Dotnet.Run(project, "build --nologo -clp:NoSummary", expectSuccess: true);
    }
}
