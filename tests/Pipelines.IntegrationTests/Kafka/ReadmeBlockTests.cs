using System.Text.RegularExpressions;

namespace Pipelines.IntegrationTests.Kafka;

/// <summary>
/// README's command blocks that need a running broker, run as a user runs them: each command as written, with the
/// address the broker printed where README shows one, and <c>--no-build</c> after <c>dotnet run</c> (the suite built
/// every project; a build from here would race the test run's own). Twice, since a second run meets what the first
/// left: topics that exist, state on disk.
/// </summary>
public partial class ReadmeBlockTests
{
    private const string BootstrapPrefix = "Bootstrap servers: ";

    [Fact]
    public async Task The_standalone_broker_block_runs_the_sample_against_it_twice_and_kcat_reads_its_output()
    {
        var root = RepositoryRoot();
        var commands = CommandsOfBlockAfter(File.ReadAllText(Path.Combine(root, "README.md")), "### The embedded broker");
        Assert.Equal(3, commands.Count);
        Assert.Contains("--topic car-telemetry:6", commands[0], StringComparison.Ordinal);

        using var broker = Start(root, commands[0], bootstrap: null);
        var line = await broker.ReadLine();
        Assert.StartsWith(BootstrapPrefix, line);
        var bootstrap = line[BootstrapPrefix.Length..];

        for (var run = 0; run < 2; run++)
        {
            // Ctrl+C once this run printed a lap and a pit stop joined with the telemetry around it: every processor has had
            // rows by then (a second run may join the first run's last stops before its own cars complete a lap).
            var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var (lap, pit) = (false, false);
            using var sample = Start(root, commands[1], bootstrap, line =>
            {
                lap |= line.StartsWith("LAP ", StringComparison.Ordinal);
                pit |= line.StartsWith("PIT ", StringComparison.Ordinal);
                if (lap && pit)
                {
                    joined.TrySetResult();
                }
            });
            await joined.Task.WithinPatience(() => sample.Output + sample.Errors);
            sample.Interrupt();
            Assert.True(await sample.WaitForExit() == 0, $"run {run + 1} of the sample failed:\n{sample.Output}\n{sample.Errors}");

            var stopped = StoppedLine().Match(sample.Output);
            Assert.True(stopped.Success, $"run {run + 1} of the sample printed no totals:\n{sample.Output}");
            Assert.All(new[] { "analyzed", "insights", "laps", "pits" }, name => Assert.True(int.Parse(stopped.Groups[name].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture) > 0, $"{name} in: {stopped.Value}"));

            // A normal start and stop logs nothing at error level.
            Assert.DoesNotMatch(ErrorLine(), sample.Output);
        }

        using var kcat = Start(root, commands[2], bootstrap);
        Assert.NotEmpty(await kcat.ReadLine());
    }

    /// <summary>The commands of the first shell block after <paramref name="heading"/>, without their comments.</summary>
    private static List<string> CommandsOfBlockAfter(string readme, string heading)
    {
        var section = readme[readme.IndexOf(heading, StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```sh\n", StringComparison.Ordinal) + 6)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        return block.Split('\n').Select(l => l.Split(" #")[0].Trim()).Where(l => l.Length > 0).ToList();
    }

    private static ChildProcess Start(string root, string command, string? bootstrap, Action<string>? onLine = null)
    {
        if (bootstrap is not null)
        {
            command = command.Replace("127.0.0.1:…", bootstrap, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("…", command, StringComparison.Ordinal);
        command = command.Replace("dotnet run ", "dotnet run --no-build ", StringComparison.Ordinal);
        var space = command.IndexOf(' ', StringComparison.Ordinal);
        return ChildProcess.Start(command[..space], command[(space + 1)..], onLine, root);
    }

    private static string RepositoryRoot()
    {
        // tests/Pipelines.IntegrationTests/bin/<configuration>/<tfm>
        var root = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        Assert.True(File.Exists(Path.Combine(root, "README.md")), $"README.md is at {root}");
        return root;
    }

    [GeneratedRegex(@"Stopped: [0-9,]+ rows produced, (?<analyzed>[0-9,]+) analyzed, (?<insights>[0-9,]+) insights \([0-9,]+ with the car's settings\), (?<laps>[0-9,]+) laps, [0-9,]+ window summaries, [0-9,]+ setup sheets joined, (?<pits>[0-9,]+) pit passes")]
    private static partial Regex StoppedLine();

    [GeneratedRegex(@"^(fail|crit): ", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
