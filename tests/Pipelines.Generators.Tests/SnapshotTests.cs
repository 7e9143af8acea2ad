using System.Runtime.CompilerServices;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// The generated source for representative contracts, compared with reviewed snapshots under Snapshots/. After a
/// deliberate change to the emitter, run the tests with PIPELINES_UPDATE_SNAPSHOTS=1 and review the diff.
/// </summary>
public class SnapshotTests
{
    public static TheoryData<string> Cases => new(SnapshotSources.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generated_source_matches_the_reviewed_snapshot(string name)
    {
        var source = SnapshotSources.All[name];
        var folder = Path.Combine(ProjectDirectory(), "Snapshots", name);
        if (Environment.GetEnvironmentVariable("PIPELINES_UPDATE_SNAPSHOTS") == "1")
        {
            WriteSnapshots(source, folder, SnapshotSources.ReferencesHttp(name));
        }

        var test = new GeneratorTest(http: SnapshotSources.ReferencesHttp(name)) { TestCode = source };
        var snapshots = Directory.GetFiles(folder, "*.g.cs");
        Assert.NotEmpty(snapshots);
        foreach (var file in snapshots)
        {
            test.Generates(Path.GetFileName(file), File.ReadAllText(file));
        }

        // Also fails on any compiler error or warning in the generated code (nullable on).
        await test.RunAsync(TestContext.Current);
    }

    private static void WriteSnapshots(string source, string folder, bool http)
    {
        Directory.CreateDirectory(folder);
        foreach (var old in Directory.GetFiles(folder, "*.g.cs"))
        {
            File.Delete(old);
        }

        var result = TestCompilation.Driver().RunGenerators(TestCompilation.Create(http ? TestCompilation.WithHttp : TestCompilation.References, source)).GetRunResult();
        foreach (var generated in result.GeneratedTrees)
        {
            File.WriteAllText(Path.Combine(folder, Path.GetFileName(generated.FilePath)), generated.GetText().ToString());
        }
    }

    private static string ProjectDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

internal static class TestContext
{
    public static CancellationToken Current => CancellationToken.None;
}
