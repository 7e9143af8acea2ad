using System.Text.RegularExpressions;
using Pipelines.FrontDoor.Tests.Infrastructure;
using Pipelines.Testing;

namespace Pipelines.FrontDoor.Tests;

/// <summary>
/// The quick start: the template installed from its packed file, a project created, built, run for a few seconds on the
/// embedded broker, and its own test project run.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class TemplateTests(PackedFeed feed)
{
    [Fact]
    public async Task A_project_from_the_template_builds_runs_on_the_embedded_broker_and_passes_its_tests()
    {
        var directory = feed.NewDirectory("FromTemplate");
        var hive = $"--debug:custom-hive \"{feed.TemplateHive}\"";
        await Dotnet.Run(directory, $"new install \"{Path.Combine(feed.Feed, $"Pipelines.Templates.{feed.Version}.nupkg")}\" {hive}", expectSuccess: true);
        // README's commands, and again: --force creates over the first run's files, and the tests pass a second time.
        await Dotnet.Run(directory, $"new pipelines -n Sensors --force {hive}", expectSuccess: true);
        await Dotnet.Run(directory, $"new pipelines -n Sensors --force {hive}", expectSuccess: true);
        var solution = Path.Combine(directory, "Sensors");

        await Dotnet.Run(solution, "build Sensors.Tests --nologo", expectSuccess: true);
        var run = await Dotnet.Run(solution, "run --project Sensors --no-build -- --duration 8", expectSuccess: true);
        var tests = await Dotnet.Run(solution, "test Sensors.Tests --no-build --nologo", expectSuccess: true);
        var again = await Dotnet.Run(solution, "test Sensors.Tests --no-build --nologo", expectSuccess: true);

        Assert.Equal("namespace Sensors;", File.ReadLines(Path.Combine(solution, "Sensors", "Contracts.cs")).First(l => l.StartsWith("namespace", StringComparison.Ordinal)));
        Assert.Matches(@"ALERT (boiler|oven|server-room) at 9\d\.\d °C", run);
        Assert.Contains("Passed!", tests);
        Assert.Contains("Passed!", again);
    }

    [Fact]
    public void The_templates_appsettings_documents_every_setting_README_lists()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var appsettings = File.ReadAllText(Path.Combine(Repository.Root, "src", "Pipelines.Templates", "content", "pipelines", "PipelinesApp", "appsettings.json"));
        var keys = ConfigurationKey().Matches(readme).Select(m => m.Groups["setting"].Value).Distinct().ToList();

        Assert.Contains("MaxSplitMessageBytes", keys); // the table was found
        Assert.All(keys, key => Assert.Contains($"\"{key}\"", appsettings));
    }

    // README's configuration table: | `Pipelines:...:Setting` | ...; the last word of the key, without <placeholders>.
    [GeneratedRegex(@"^\| `Pipelines:(?:[A-Za-z]+:|<Name>:)*(?<setting>[A-Za-z]+)(?::<[a-z ]+>)?` \|", RegexOptions.Multiline)]
    private static partial Regex ConfigurationKey();
}
