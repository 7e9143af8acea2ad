using System.Xml.Linq;
using Pipelines.Testing;

namespace Pipelines.FrontDoor.Tests.Infrastructure;

/// <summary>
/// The packages a user installs, packed once per test run into a local feed under a version no cache has seen (so the
/// global packages folder cannot hand back an older build): Pipelines and the project template.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private readonly string work = Directory.CreateTempSubdirectory("pipelines-front-door-").FullName;

    public string Version { get; } = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;

    public string Feed => Path.Combine(work, "feed");

    /// <summary>Where <c>dotnet new</c> keeps installed templates for these tests, instead of the user's own.</summary>
    public string TemplateHive => Path.Combine(work, "template-hive");

    /// <summary>The central package versions, so a fresh project references what this repository builds against.</summary>
    public IReadOnlyDictionary<string, string> Versions => versions ??= XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props"))
        .Descendants("PackageVersion")
        .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!)
        .Append(new("Pipelines.Http", Version)) // ours, packed into the feed beside Pipelines
        .ToDictionary();

    private IReadOnlyDictionary<string, string>? versions;

    /// <summary>A new, empty directory outside the repository whose NuGet sources include the feed.</summary>
    public string NewDirectory(string name)
    {
        var directory = Path.Combine(work, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        return directory;
    }

    public async Task InitializeAsync()
    {
        await Dotnet.Run(Repository.Root, $"pack src/Pipelines -c Release -o \"{Feed}\" -p:Version={Version} --nologo", expectSuccess: true);
        await Dotnet.Run(Repository.Root, $"pack src/Pipelines.Http -c Release -o \"{Feed}\" -p:Version={Version} --nologo", expectSuccess: true);
        await Dotnet.Run(Repository.Root, $"pack src/Pipelines.Templates -c Release -o \"{Feed}\" -p:Version={Version} --nologo", expectSuccess: true);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(work, recursive: true);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "pipelines", "pipelines.http", "pipelines.templates" })
        {
            var cached = Path.Combine(packages, id, Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>The tests that share one packed feed; they run one after another (each builds with the whole machine).</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
